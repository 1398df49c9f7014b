// Registering and deregistering targets, shared by RegisterTargets/DeregisterTargets and by ECS services
// (which register their tasks). A deregistered target drains for the group's deregistration delay before
// it is forgotten; the load-balancer controller forgets it when that time has come.
import type { TargetDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetGroupRecord, TargetRecord } from '../../core/elbv2.js';
import { InvalidTarget, TooManyTargets } from '../../core/elbv2-errors.js';
import { parseIpv4 } from '../../core/ipv4.js';
import type { State, Transaction } from '../state.js';
import { loadBalancersOf } from './lookups.js';
import { deregistrationDelayMs } from './target-groups.js';

// AWS's quota: 1,000 instance or IP targets per target group (draining ones included: they are still held).
const MAX_TARGETS_PER_TARGET_GROUP = 1000;

export const targetKey = (t: { Id: string; Port: number }) => `${t.Id}:${t.Port}`;

/** The targets as they are to be registered: ports default to the group's, ids checked against the target type. */
export function resolveTargets(state: Pick<State, 'all'>, tg: TargetGroupRecord, targets: readonly TargetDescription[]): { Id: string; Port: number; AvailabilityZone?: string }[] {
  const resolved = targets.map((t) => ({ Id: t.Id!, Port: t.Port ?? tg.Port!, ...(t.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}) }));
  if (tg.TargetType === 'instance') {
    const known = new Set([...state.all('containerInstance')].filter((i) => i.status !== 'INACTIVE').map((i) => i.ec2InstanceId));
    const invalid = resolved.filter((t) => !known.has(t.Id));
    if (invalid.length) throw new InvalidTarget(`The following targets are not valid instances: ${invalid.map((t) => `'${t.Id}'`).join(', ')}`);
  } else {
    const invalid = resolved.filter((t) => parseIpv4(t.Id) === undefined);
    if (invalid.length) throw new InvalidTarget(`The following targets are not valid IPv4 addresses: ${invalid.map((t) => `'${t.Id}'`).join(', ')}`);
  }
  return resolved;
}

/** Registers targets (again, if draining: they return to service and are health-checked anew). */
export function register(tx: Transaction, tg: TargetGroupRecord, targets: readonly { Id: string; Port: number; AvailabilityZone?: string }[], now: Date, taskArn?: string): TargetGroupRecord {
  const byKey = new Map(tg.targets.map((t) => [targetKey(t), t]));
  for (const t of targets) {
    const existing = byKey.get(targetKey(t));
    if (existing && !existing.drainingUntil) continue;
    byKey.set(targetKey(t), { ...t, registeredAt: now, ...(taskArn ? { taskArn } : {}) });
  }
  if (byKey.size > MAX_TARGETS_PER_TARGET_GROUP)
    throw new TooManyTargets(`You've reached the limit on the number of targets per target group (${MAX_TARGETS_PER_TARGET_GROUP})`);
  return tx.put('targetGroup', tg.TargetGroupArn, { ...tg, targets: [...byKey.values()] });
}

/**
 * Deregisters targets: they drain for the deregistration delay, or go at once when the group serves no
 * load balancer or the delay is 0. Targets not registered are left to the caller to refuse.
 */
export function deregister(state: Pick<State, 'all' | 'get'>, tx: Transaction, tg: TargetGroupRecord, keys: ReadonlySet<string>, now: Date): TargetGroupRecord {
  const delay = loadBalancersOf(state, tg.TargetGroupArn).length > 0 ? deregistrationDelayMs(tg) : 0;
  const targets: TargetRecord[] = [];
  for (const t of tg.targets) {
    if (!keys.has(targetKey(t)) || t.drainingUntil) targets.push(t);
    else if (delay > 0) targets.push({ ...t, drainingUntil: new Date(now.getTime() + delay) });
  }
  return tx.put('targetGroup', tg.TargetGroupArn, { ...tg, targets });
}
