// A bucket's configurations, each kept on its record as given: versioning, tags, policy, CORS, lifecycle,
// notifications. What S3 checks on the way in is checked here; what they do lives where it acts (the
// lifecycle controller, object events).
import { CorsForbidden, InvalidArgument, MalformedPolicy, NoSuchBucket, MalformedXML, NoSuchBucketPolicy, NoSuchCORSConfiguration, NoSuchLifecycleConfiguration, NoSuchTagSet } from '../../core/s3-errors.js';
import { corsHeaders, matchingCorsRule, type CrossOriginRequest } from '../../core/s3-cors.js';
import { checkTags, type BucketRecord, type CorsRule, type LifecycleRule, type Tag } from '../../core/s3.js';
import type { ControlContext } from '../context.js';
import { resolveBucket } from './buckets.js';

async function update(ctx: ControlContext, name: string, change: (bucket: BucketRecord) => BucketRecord): Promise<void> {
  await ctx.state.mutate((tx) => {
    const bucket = tx.get('bucket', name);
    if (!bucket) throw new NoSuchBucket(name);
    tx.put('bucket', name, change(bucket));
  });
}

export async function putBucketVersioning(ctx: ControlContext, input: { Bucket: string; VersioningConfiguration: { Status?: 'Enabled' | 'Suspended' } }) {
  const status = input.VersioningConfiguration.Status;
  if (status !== 'Enabled' && status !== 'Suspended') throw new MalformedXML();
  await update(ctx, input.Bucket, (bucket) => ({ ...bucket, Versioning: status }));
  return {};
}

export function getBucketVersioning(ctx: ControlContext, input: { Bucket: string }) {
  return { Status: resolveBucket(ctx, input.Bucket).Versioning };
}

export async function putBucketTagging(ctx: ControlContext, input: { Bucket: string; Tagging: { TagSet: Tag[] } }) {
  const tags = checkTags(input.Tagging.TagSet ?? [], 50);
  await update(ctx, input.Bucket, (bucket) => ({ ...bucket, tags }));
  return {};
}

export function getBucketTagging(ctx: ControlContext, input: { Bucket: string }) {
  const { tags } = resolveBucket(ctx, input.Bucket);
  if (!tags?.length) throw new NoSuchTagSet(input.Bucket);
  return { TagSet: tags };
}

export async function deleteBucketTagging(ctx: ControlContext, input: { Bucket: string }) {
  await update(ctx, input.Bucket, ({ tags: _, ...bucket }) => bucket);
  return {};
}

export async function putBucketPolicy(ctx: ControlContext, input: { Bucket: string; Policy: string }) {
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(input.Policy) as { Statement?: unknown };
  } catch {
    throw new MalformedPolicy();
  }
  if (typeof document !== 'object' || document === null || document.Statement === undefined) throw new MalformedPolicy(undefined, 'Missing required field Statement');
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements as Record<string, unknown>[])
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw new MalformedPolicy(undefined, 'Missing required field Principal');
  await update(ctx, input.Bucket, (bucket) => ({ ...bucket, policy: input.Policy }));
  return {};
}

export function getBucketPolicy(ctx: ControlContext, input: { Bucket: string }) {
  const { policy } = resolveBucket(ctx, input.Bucket);
  if (!policy) throw new NoSuchBucketPolicy(input.Bucket);
  return { Policy: policy };
}

export async function deleteBucketPolicy(ctx: ControlContext, input: { Bucket: string }) {
  await update(ctx, input.Bucket, ({ policy: _, ...bucket }) => bucket);
  return {};
}

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

export async function putBucketCors(ctx: ControlContext, input: { Bucket: string; CORSConfiguration: { CORSRules: CorsRule[] } }) {
  const rules = input.CORSConfiguration.CORSRules ?? [];
  if (rules.length === 0 || rules.length > 100) throw new MalformedXML();
  for (const rule of rules)
    for (const method of rule.AllowedMethods ?? [])
      if (!CORS_METHODS.has(method)) throw new InvalidArgument(undefined, `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
  await update(ctx, input.Bucket, (bucket) => ({ ...bucket, cors: rules }));
  return {};
}

export function getBucketCors(ctx: ControlContext, input: { Bucket: string }) {
  const { cors } = resolveBucket(ctx, input.Bucket);
  if (!cors) throw new NoSuchCORSConfiguration(input.Bucket);
  return { CORSRules: cors };
}

export async function deleteBucketCors(ctx: ControlContext, input: { Bucket: string }) {
  await update(ctx, input.Bucket, ({ cors: _, ...bucket }) => bucket);
  return {};
}

/**
 * A cross-origin request's Access-Control-* answer headers, by the bucket's CORS configuration: a preflight no
 * rule allows is refused (AccessForbidden); an actual request no rule allows just gets none.
 */
export function crossOrigin(ctx: ControlContext, request: CrossOriginRequest & { bucket: string; preflight: boolean }): Record<string, string> | undefined {
  const bucket = ctx.state.get('bucket', request.bucket);
  if (!request.preflight) {
    const rule = bucket?.cors && matchingCorsRule(bucket.cors, request);
    return rule ? corsHeaders(rule, request, false) : undefined;
  }
  if (!bucket) throw new NoSuchBucket(request.bucket);
  if (!bucket.cors) throw new CorsForbidden(undefined, 'CORSResponse: CORS is not enabled for this bucket.');
  const rule = matchingCorsRule(bucket.cors, request);
  if (!rule) throw new CorsForbidden();
  return corsHeaders(rule, request, true);
}

export async function putBucketLifecycleConfiguration(ctx: ControlContext, input: { Bucket: string; LifecycleConfiguration?: { Rules: LifecycleRule[] } }) {
  const rules = input.LifecycleConfiguration?.Rules ?? [];
  if (rules.length === 0 || rules.length > 1000) throw new MalformedXML();
  const ids = new Set<string>();
  for (const rule of rules) {
    if (rule.ID !== undefined && ids.has(rule.ID)) throw new InvalidArgument('ID', 'Rule ID must be unique. Found same ID for more than one rule');
    if (rule.ID !== undefined) ids.add(rule.ID);
    if (rule.Expiration?.Days !== undefined && rule.Expiration.Days <= 0) throw new InvalidArgument(undefined, "'Days' for Expiration action must be a positive integer");
    if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') throw new MalformedXML();
  }
  await update(ctx, input.Bucket, (bucket) => ({ ...bucket, lifecycle: rules }));
  return { TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' };
}

export function getBucketLifecycleConfiguration(ctx: ControlContext, input: { Bucket: string }) {
  const { lifecycle } = resolveBucket(ctx, input.Bucket);
  if (!lifecycle) throw new NoSuchLifecycleConfiguration(input.Bucket);
  return { Rules: lifecycle, TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' };
}

export async function deleteBucketLifecycle(ctx: ControlContext, input: { Bucket: string }) {
  await update(ctx, input.Bucket, ({ lifecycle: _, ...bucket }) => bucket);
  return {};
}

export async function putBucketNotificationConfiguration(ctx: ControlContext, input: { Bucket: string; NotificationConfiguration: Record<string, unknown> }) {
  await update(ctx, input.Bucket, (bucket) => ({ ...bucket, notification: input.NotificationConfiguration }));
  return {};
}

export function getBucketNotificationConfiguration(ctx: ControlContext, input: { Bucket: string }) {
  return resolveBucket(ctx, input.Bucket).notification ?? {};
}
