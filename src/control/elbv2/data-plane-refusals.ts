// A listener the data plane refused (its engine would not take its configuration) keeps serving its last
// accepted version. That is shown where an ELBv2 user looks: the load balancer's State turns
// `active_impaired`, its Reason says which listener and why, and it is `active` again once served.
import { lastSegment } from '../../core/arn.js';
import type { DataPlaneRefusal } from '../../core/load-balancer.js';
import type { ControlContext } from '../context.js';

/** AWS's state reasons are short sentences: the engine's complaint is cut to this many characters. */
const MAX_REASON = 1024;

export async function recordRefusals(ctx: ControlContext, refused: readonly DataPlaneRefusal[]): Promise<void> {
  const reasons = new Map(refused.map((r) => [r.frontendId, r.reason]));
  const wanted = new Map<string, { Code: 'active' | 'active_impaired'; Reason?: string }>();
  for (const listener of ctx.state.all('listener')) {
    const reason = reasons.get(lastSegment(listener.ListenerArn));
    if (reason === undefined) continue;
    const said = `The configuration of listener ${listener.ListenerArn} was refused by the data plane, which keeps serving its last accepted version: ${reason}`;
    wanted.set(listener.LoadBalancerArn, { Code: 'active_impaired', Reason: said.slice(0, MAX_REASON) });
  }
  for (const lb of ctx.state.all('loadBalancer')) if (lb.State?.Code === 'active_impaired' && !wanted.has(lb.LoadBalancerArn)) wanted.set(lb.LoadBalancerArn, { Code: 'active' });
  const changes = [...wanted].filter(([arn, state]) => {
    const current = ctx.state.get('loadBalancer', arn)?.State;
    return current !== undefined && (current.Code !== state.Code || current.Reason !== state.Reason);
  });
  if (changes.length === 0) return;
  await ctx.state.mutate((tx) => {
    for (const [arn, state] of changes) {
      const lb = tx.get('loadBalancer', arn);
      if (lb) tx.put('loadBalancer', arn, { ...lb, State: state });
    }
  });
  for (const [arn, state] of changes) {
    if (state.Code === 'active_impaired') ctx.log.error('load balancer impaired: a listener configuration was refused', { loadBalancerArn: arn, reason: state.Reason });
    else ctx.log.info('load balancer active again', { loadBalancerArn: arn });
  }
}
