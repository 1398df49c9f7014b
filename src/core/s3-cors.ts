// S3's CORS (the bucket's CORS configuration, "Cross-origin resource sharing"): the first rule whose origin,
// method and (for a preflight) requested headers all match decides; its answer is the Access-Control-*
// headers. A rule's origins and allowed headers may hold one `*` wildcard each; headers match ignoring case.
import type { CorsRule } from './s3.js';

export interface CrossOriginRequest {
  origin: string;
  /** The method of the actual request (a preflight's Access-Control-Request-Method). */
  method: string;
  /** A preflight's Access-Control-Request-Headers, lower-cased. */
  requestHeaders: string[];
}

const wildcard = (pattern: string, caseless: boolean) =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, caseless ? 'i' : '');

/** The rule that allows the request: the first that matches, as S3 takes them. */
export function matchingCorsRule(rules: readonly CorsRule[], request: CrossOriginRequest): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.AllowedOrigins.some((origin) => wildcard(origin, false).test(request.origin)) &&
      rule.AllowedMethods.includes(request.method) &&
      request.requestHeaders.every((name) => (rule.AllowedHeaders ?? []).some((allowed) => wildcard(allowed, true).test(name))),
  );
}

/** The headers S3 answers a request a rule allows with (a preflight also gets the headers it asked for). */
export function corsHeaders(rule: CorsRule, request: CrossOriginRequest, preflight: boolean): Record<string, string> {
  const anyOrigin = rule.AllowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : request.origin,
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!anyOrigin) headers['access-control-allow-credentials'] = 'true';
  if (preflight && request.requestHeaders.length > 0) headers['access-control-allow-headers'] = request.requestHeaders.join(', ');
  if (rule.ExposeHeaders?.length) headers['access-control-expose-headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.MaxAgeSeconds);
  return headers;
}
