// Listener default actions and rule actions and conditions: checked as ELBv2 checks them, and normalized
// to the form ELBv2 describes them in (a single forward also as a ForwardConfig of weight 1; path and host
// conditions with both their Values and their Config).
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerRecord, LoadBalancerRecord } from '../../core/elbv2.js';
import { isHttpProtocol } from '../../core/elbv2.js';
import { InvalidConfigurationRequest, InvalidLoadBalancerAction, TargetGroupAssociationLimit, TooManyActions } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { State } from '../state.js';
import { loadBalancersOf, resolveTargetGroup } from './lookups.js';

const TERMINAL = ['forward', 'redirect', 'fixed-response'];

/** Checks actions for a listener of `lb` with `protocol` and returns them as ELBv2 describes them. */
export function checkActions(state: Pick<State, 'get' | 'all'>, lb: LoadBalancerRecord, protocol: string, actions: readonly Action[]): Action[] {
  if (actions.length === 0) throw new ValidationError('At least one action must be specified');
  const unsupported = actions.find((a) => !TERMINAL.includes(a.Type!));
  if (unsupported) throw new InvalidLoadBalancerAction(`Action type '${unsupported.Type}' is not supported by Wharf: use one of 'forward, redirect, fixed-response'`);
  if (actions.length > 1) throw new TooManyActions('A rule or listener can have only one forward, redirect or fixed-response action');
  const action = actions[0]!;
  if (lb.Type === 'network' && action.Type !== 'forward') throw new InvalidLoadBalancerAction(`Action type '${action.Type}' must be one of 'forward' for a network load balancer`);
  const order = action.Order === undefined ? {} : { Order: action.Order };
  switch (action.Type) {
    case 'forward': {
      const groups = action.ForwardConfig?.TargetGroups ?? (action.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }] : []);
      if (groups.length === 0) throw new ValidationError('A target group ARN must be specified for a forward action');
      if (action.TargetGroupArn && action.ForwardConfig?.TargetGroups && !groups.some((g) => g.TargetGroupArn === action.TargetGroupArn))
        throw new InvalidLoadBalancerAction('The target group ARN and the forward config target groups must name the same target group');
      for (const g of groups) checkTargetGroup(state, lb, protocol, g.TargetGroupArn!);
      const tuples = groups.map((g) => ({ TargetGroupArn: g.TargetGroupArn!, Weight: g.Weight ?? 1 }));
      if (tuples.some((g) => !Number.isInteger(g.Weight) || g.Weight < 0 || g.Weight > 999))
        throw new ValidationError('The weight for each target group must be between 0 and 999, inclusive');
      const stickiness = action.ForwardConfig?.TargetGroupStickinessConfig ?? { Enabled: false };
      const duration = stickiness.DurationSeconds;
      if (stickiness.Enabled && lb.Type === 'application' && duration === undefined)
        throw new ValidationError('A duration must be specified when target group stickiness is enabled');
      // Only enabled stickiness is held to the range: older Terraform providers send a duration of 0 with it disabled.
      if (stickiness.Enabled && duration !== undefined && !(Number.isInteger(duration) && duration >= 1 && duration <= 604_800))
        throw new ValidationError('The target group stickiness duration must be between 1 and 604800 seconds');
      return [{ Type: 'forward', ...(tuples.length === 1 ? { TargetGroupArn: tuples[0]!.TargetGroupArn } : {}), ...order, ForwardConfig: { TargetGroups: tuples, TargetGroupStickinessConfig: stickiness } }];
    }
    case 'redirect': {
      const c = action.RedirectConfig;
      if (!c?.StatusCode) throw new ValidationError('A redirect action must have a redirect config with a status code');
      const redirect = { Protocol: c.Protocol ?? '#{protocol}', Port: c.Port ?? '#{port}', Host: c.Host ?? '#{host}', Path: c.Path ?? '/#{path}', Query: c.Query ?? '#{query}', StatusCode: c.StatusCode };
      if (!['#{protocol}', 'HTTP', 'HTTPS'].includes(redirect.Protocol)) throw new ValidationError(`Redirect protocol '${redirect.Protocol}' must be one of '#{protocol}, HTTP, HTTPS'`);
      if (!redirect.Path.startsWith('/')) throw new ValidationError(`Redirect path '${shown(redirect.Path)}' must start with a '/'`);
      if (redirect.Port !== '#{port}' && !(/^\d{1,5}$/.test(redirect.Port) && Number(redirect.Port) >= 1 && Number(redirect.Port) <= 65535))
        throw new ValidationError(`Redirect port '${shown(redirect.Port)}' must be '#{port}' or a port between 1 and 65535`);
      // Host, path and query go into the Location header as they are (not percent-encoded): no spaces or controls.
      for (const [name, value] of [['host', redirect.Host], ['path', redirect.Path], ['query', redirect.Query]] as const) {
        if (/[\x00-\x20\x7f]/.test(value)) throw new ValidationError(`Redirect ${name} '${shown(value)}' cannot contain spaces or control characters`);
      }
      if (Object.entries(redirect).every(([k, v]) => k === 'StatusCode' || v === DEFAULT_REDIRECT[k]))
        throw new InvalidLoadBalancerAction('The redirect action would redirect to the same URL: change at least one of protocol, port, host, path or query');
      return [{ Type: 'redirect', ...order, RedirectConfig: redirect }];
    }
    default: {
      const c = action.FixedResponseConfig;
      if (!c?.StatusCode) throw new ValidationError('A fixed-response action must have a fixed response config with a status code');
      if (c.ContentType !== undefined && !CONTENT_TYPES.includes(c.ContentType))
        throw new ValidationError(`Content type '${shown(c.ContentType)}' must be one of '${CONTENT_TYPES.join(', ')}'`);
      return [{ Type: 'fixed-response', ...order, FixedResponseConfig: { StatusCode: c.StatusCode, ...(c.ContentType ? { ContentType: c.ContentType } : {}), ...(c.MessageBody !== undefined ? { MessageBody: c.MessageBody } : {}) } }];
    }
  }
}

/** The content types a fixed response may have (FixedResponseActionConfig). */
const CONTENT_TYPES: readonly string[] = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

const DEFAULT_REDIRECT: Record<string, string> = { Protocol: '#{protocol}', Port: '#{port}', Host: '#{host}', Path: '/#{path}', Query: '#{query}' };

/** A target group fits a listener: it exists, its protocol suits the load balancer type, and no other load balancer uses it. */
function checkTargetGroup(state: Pick<State, 'get' | 'all'>, lb: LoadBalancerRecord, listenerProtocol: string, arn: string): void {
  const tg = resolveTargetGroup(state, arn);
  const fits = lb.Type === 'application' ? isHttpProtocol(tg.Protocol) : !isHttpProtocol(tg.Protocol);
  if (!fits)
    throw new InvalidConfigurationRequest(`The target group '${arn}' has protocol '${tg.Protocol}', which is not compatible with a ${listenerProtocol} listener of a load balancer of type '${lb.Type}'`);
  if (tg.VpcId !== lb.VpcId) throw new InvalidConfigurationRequest(`The target group '${arn}' is not in the same VPC as the load balancer`);
  const others = loadBalancersOf(state, arn).filter((other) => other !== lb.LoadBalancerArn);
  if (others.length) throw new TargetGroupAssociationLimit(`The following target groups cannot be associated with more than one load balancer: ${arn}`);
}

const FIELDS = ['path-pattern', 'host-header', 'http-header', 'http-request-method', 'query-string', 'source-ip'];
const CONFIG_OF: Record<string, keyof RuleCondition> = {
  'path-pattern': 'PathPatternConfig',
  'host-header': 'HostHeaderConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig',
};

/** Checks a rule's conditions and returns them as ELBv2 describes them. */
export function checkConditions(conditions: readonly RuleCondition[]): RuleCondition[] {
  if (conditions.length === 0) throw new ValidationError('A rule must have at least one condition');
  const seen = new Set<string>();
  const checked = conditions.map((c) => {
    const field = c.Field ?? '';
    if (!FIELDS.includes(field)) throw new ValidationError(`Condition field '${field}' must be one of '[${FIELDS.join(', ')}]'`);
    if (seen.has(field) && field !== 'http-header' && field !== 'query-string') throw new ValidationError(`A rule can have only one '${field}' condition`);
    seen.add(field);
    const key = CONFIG_OF[field]!;
    const config = c[key] as { Values?: unknown[]; HttpHeaderName?: string } | undefined;
    const values = config?.Values ?? c.Values;
    if (!values?.length) throw new ValidationError(`A '${field}' condition must have at least one value`);
    checkConditionValues(field, config?.HttpHeaderName, values);
    if (field === 'path-pattern' || field === 'host-header') return { Field: field, Values: values as string[], [key]: { Values: values } };
    return { Field: field, [key]: config };
  });
  const count = checked.reduce((n, c) => n + conditionValueCount(c), 0);
  if (count > 5) throw new ValidationError('A rule can have at most 5 condition values');
  return checked;
}

/** What ELBv2 accepts in each kind of condition (the API reference's RuleCondition and *ConditionConfig). */
const CONDITION_VALUES: Record<string, { pattern: RegExp; what: string }> = {
  'host-header': { pattern: /^[A-Za-z0-9.*?-]{1,128}$/, what: 'up to 128 characters: A-Z, a-z, 0-9, - . * ?' },
  'path-pattern': { pattern: /^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$/, what: `up to 128 characters: A-Z, a-z, 0-9, _ - . $ / ~ " ' @ : + & * ?` },
  'http-header': { pattern: withoutControls(128), what: 'up to 128 characters, without control characters' },
  'http-request-method': { pattern: /^[A-Z_-]{1,40}$/, what: 'up to 40 characters: A-Z, - _' },
  'source-ip': { pattern: /^[\d.]+\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, what: 'a CIDR block' },
};

function withoutControls(max: number): RegExp {
  return new RegExp(`^[^\\x00-\\x1f\\x7f]{1,${max}}$`);
}

/** An HTTP header name: an RFC 7230 token of up to 40 characters. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/;
const QUERY_PART = withoutControls(128);

function checkConditionValues(field: string, headerName: string | undefined, values: readonly unknown[]): void {
  if (field === 'http-header') {
    if (!headerName) throw new ValidationError('An http-header condition must name its header');
    if (!HEADER_NAME.test(headerName)) throw new ValidationError(`HTTP header name '${shown(headerName)}' must be up to 40 characters allowed by RFC 7230`);
    if (headerName.toLowerCase() === 'host') throw new ValidationError("An http-header condition cannot match the 'Host' header: use a host-header condition");
  }
  if (field === 'query-string') {
    for (const pair of values as { Key?: string; Value?: string }[]) {
      if (pair.Value === undefined) throw new ValidationError('A query-string condition value must have a value');
      for (const part of [pair.Key, pair.Value]) {
        if (part !== undefined && !QUERY_PART.test(part)) throw new ValidationError(`Query string key or value '${shown(part)}' must be up to 128 characters, without control characters`);
      }
    }
    return;
  }
  const rule = CONDITION_VALUES[field]!;
  const bad = (values as string[]).find((v) => typeof v !== 'string' || !rule.pattern.test(v));
  if (bad !== undefined) throw new ValidationError(`Condition value '${shown(String(bad))}' for '${field}' must be ${rule.what}`);
}

/** A value in a message: control characters escaped, long values cut. */
export const shown = (value: string) => JSON.stringify(value.slice(0, 64)).slice(1, -1);

const conditionValueCount = (c: RuleCondition) => (c.Values ?? (c[CONFIG_OF[c.Field!]!] as { Values?: unknown[] } | undefined)?.Values ?? []).length;

/** Only application load balancer listeners have rules. */
export function checkRulesAllowed(lb: LoadBalancerRecord, listener: ListenerRecord): void {
  if (lb.Type !== 'application') throw new InvalidConfigurationRequest(`Listener '${listener.ListenerArn}' belongs to a network load balancer, whose listeners have no rules`);
}
