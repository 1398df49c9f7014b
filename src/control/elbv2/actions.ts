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
      if (lb.Type === 'network' && groups.length > 1) throw new InvalidLoadBalancerAction('A network load balancer forwards to one target group only');
      for (const g of groups) checkTargetGroup(state, lb, protocol, g.TargetGroupArn!);
      const tuples = groups.map((g) => ({ TargetGroupArn: g.TargetGroupArn!, Weight: g.Weight ?? 1 }));
      const stickiness = action.ForwardConfig?.TargetGroupStickinessConfig ?? { Enabled: false };
      return [{ Type: 'forward', ...(tuples.length === 1 ? { TargetGroupArn: tuples[0]!.TargetGroupArn } : {}), ...order, ForwardConfig: { TargetGroups: tuples, TargetGroupStickinessConfig: stickiness } }];
    }
    case 'redirect': {
      const c = action.RedirectConfig;
      if (!c?.StatusCode) throw new ValidationError('A redirect action must have a redirect config with a status code');
      const redirect = { Protocol: c.Protocol ?? '#{protocol}', Port: c.Port ?? '#{port}', Host: c.Host ?? '#{host}', Path: c.Path ?? '/#{path}', Query: c.Query ?? '#{query}', StatusCode: c.StatusCode };
      if (!['#{protocol}', 'HTTP', 'HTTPS'].includes(redirect.Protocol)) throw new ValidationError(`Redirect protocol '${redirect.Protocol}' must be one of '#{protocol}, HTTP, HTTPS'`);
      if (!redirect.Path.startsWith('/')) throw new ValidationError(`Redirect path '${redirect.Path}' must start with a '/'`);
      if (Object.entries(redirect).every(([k, v]) => k === 'StatusCode' || v === DEFAULT_REDIRECT[k]))
        throw new InvalidLoadBalancerAction('The redirect action would redirect to the same URL: change at least one of protocol, port, host, path or query');
      return [{ Type: 'redirect', ...order, RedirectConfig: redirect }];
    }
    default: {
      const c = action.FixedResponseConfig;
      if (!c?.StatusCode) throw new ValidationError('A fixed-response action must have a fixed response config with a status code');
      return [{ Type: 'fixed-response', ...order, FixedResponseConfig: { StatusCode: c.StatusCode, ...(c.ContentType ? { ContentType: c.ContentType } : {}), ...(c.MessageBody !== undefined ? { MessageBody: c.MessageBody } : {}) } }];
    }
  }
}

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
    if (field === 'path-pattern' || field === 'host-header') return { Field: field, Values: values as string[], [key]: { Values: values } };
    if (field === 'http-header' && !config?.HttpHeaderName) throw new ValidationError('An http-header condition must name its header');
    if (field === 'source-ip' && (values as string[]).some((v) => !/^[\d.]+\/\d+$|^[0-9a-fA-F:]+\/\d+$/.test(v))) throw new ValidationError('Source IP values must be CIDR blocks');
    return { Field: field, [key]: config };
  });
  const count = checked.reduce((n, c) => n + conditionValueCount(c), 0);
  if (count > 5) throw new ValidationError('A rule can have at most 5 condition values');
  return checked;
}

const conditionValueCount = (c: RuleCondition) => (c.Values ?? (c[CONFIG_OF[c.Field!]!] as { Values?: unknown[] } | undefined)?.Values ?? []).length;

/** Only application load balancer listeners have rules. */
export function checkRulesAllowed(lb: LoadBalancerRecord, listener: ListenerRecord): void {
  if (lb.Type !== 'application') throw new InvalidConfigurationRequest(`Listener '${listener.ListenerArn}' belongs to a network load balancer, whose listeners have no rules`);
}
