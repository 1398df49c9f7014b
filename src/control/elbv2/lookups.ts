// How ELBv2 finds the resources callers name (ARNs, and names where the API takes them), its not-found
// errors, its ids and its Marker pagination.
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from '../../core/elbv2.js';
import { ListenerNotFound, LoadBalancerNotFound, RuleNotFound, TargetGroupNotFound } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { Ids } from '../../core/ports.js';
import type { Reader } from '../ecs/lookups.js';
import type { State } from '../state.js';

/** ELBv2 resource ids are 16 hex digits. */
export const elbId = (ids: Ids) => ids.id().slice(-16);

export function resolveLoadBalancer(reader: Reader, arn: string): LoadBalancerRecord {
  const record = reader.get('loadBalancer', arn);
  if (!record) throw new LoadBalancerNotFound(`Load balancer '${arn}' not found`);
  return record;
}

export function resolveTargetGroup(reader: Reader, arn: string): TargetGroupRecord {
  const record = reader.get('targetGroup', arn);
  if (!record) throw new TargetGroupNotFound(`Target groups '${arn}' not found`);
  return record;
}

export function resolveListener(reader: Reader, arn: string): ListenerRecord {
  const record = reader.get('listener', arn);
  if (!record) throw new ListenerNotFound(`Listener '${arn}' not found`);
  return record;
}

/** A rule, or the listener whose default rule the ARN names. */
export function resolveRule(state: Pick<State, 'get' | 'all'>, arn: string): RuleRecord | { default: ListenerRecord } {
  const record = state.get('rule', arn);
  if (record) return record;
  for (const listener of state.all('listener')) if (listener.defaultRuleArn === arn) return { default: listener };
  throw new RuleNotFound(`One or more rules not found`);
}

/** The load balancers whose listeners or rules forward to a target group (TargetGroup.LoadBalancerArns). */
export function loadBalancersOf(state: Pick<State, 'all' | 'get'>, targetGroupArn: string): string[] {
  const arns = new Set<string>();
  for (const listener of state.all('listener'))
    if (forwardsTo(listener.DefaultActions, targetGroupArn)) arns.add(listener.LoadBalancerArn);
  for (const rule of state.all('rule')) {
    const listener = state.get('listener', rule.ListenerArn);
    if (listener && forwardsTo(rule.Actions, targetGroupArn)) arns.add(listener.LoadBalancerArn);
  }
  return [...arns];
}

/** The target groups an action list forwards to. */
export function forwardedGroups(actions: readonly { TargetGroupArn?: string; ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string }[] } }[]): string[] {
  return actions.flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((g) => g.TargetGroupArn)]).filter((x): x is string => !!x);
}

const forwardsTo = (actions: Parameters<typeof forwardedGroups>[0], arn: string) => forwardedGroups(actions).includes(arn);

/** ELBv2's Marker pagination: items in a stable order by key; the marker is the last key returned, opaque. */
export function page<T>(items: Iterable<T>, key: (item: T) => string, request: { Marker?: string; PageSize?: number }): { items: T[]; NextMarker?: string } {
  const size = request.PageSize ?? 400;
  let after: string | undefined;
  if (request.Marker !== undefined) {
    after = Buffer.from(request.Marker, 'base64').toString('utf8');
    if (after === '') throw new ValidationError('Invalid marker');
  }
  const sorted = [...items].map((item) => ({ item, k: key(item) })).filter(({ k }) => after === undefined || k > after).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const chosen = sorted.slice(0, size);
  const more = sorted.length > size;
  return { items: chosen.map(({ item }) => item), ...(more ? { NextMarker: Buffer.from(chosen.at(-1)!.k).toString('base64') } : {}) };
}

/** Names of load balancers and target groups: 1-32 alphanumerics and hyphens, no hyphen at either end. */
export function validateName(what: 'Load balancer' | 'Target group' | 'Trust store', name: string): void {
  if (name.length > 32) throw new ValidationError(`${what} name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new ValidationError(`${what} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw new ValidationError(`${what} name '${name}' cannot begin or end with a hyphen(-)`);
  if (what === 'Load balancer' && name.startsWith('internal-')) throw new ValidationError(`Load balancer name '${name}' cannot begin with 'internal-'`);
}
