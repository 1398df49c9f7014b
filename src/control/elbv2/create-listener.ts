import type { CreateListenerInput, CreateListenerOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { listenerArn, ruleArn, type ListenerProtocol, type ListenerRecord } from '../../core/elbv2.js';
import { DuplicateListener } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { checkActions } from './actions.js';
import { checkCertificates, checkMutualAuthentication, checkPortFree, checkProtocol, checkSslPolicy } from './listeners.js';
import { elbId, resolveLoadBalancer } from './lookups.js';
import { validateTags } from './tags.js';
import { listenersByLoadBalancer } from './indexes.js';

/**
 * Creates a listener on its load balancer's port, on this host. The same port with the same settings
 * answers with the existing listener (as ELBv2 does); with other settings, DuplicateListener.
 */
export async function createListener(ctx: ControlContext, input: CreateListenerInput): Promise<CreateListenerOutput> {
  const lbArn = input.LoadBalancerArn!;
  const lb = resolveLoadBalancer(ctx.state, lbArn);
  const port = input.Port;
  if (port === undefined) throw new ValidationError('A listener port must be specified');
  const protocol = (input.Protocol ?? (lb.Type === 'application' ? 'HTTP' : 'TCP')) as ListenerProtocol;
  checkProtocol(lb, protocol);
  const tags = input.Tags ?? [];
  validateTags(tags);
  await checkPortFree(ctx, lbArn, port);

  const { record, created } = await ctx.state.mutate((tx) => {
    resolveLoadBalancer(tx, lbArn);
    const certificates = checkCertificates(tx, protocol, input.Certificates ?? []);
    const mutual = checkMutualAuthentication(tx, protocol, input.MutualAuthentication);
    const actions = checkActions(ctx.state, lb, protocol, input.DefaultActions ?? []);
    const existing = ctx.state.where(listenersByLoadBalancer, lbArn).find((l) => l.Port === port);
    if (existing) {
      const same = existing.Protocol === protocol && JSON.stringify(existing.DefaultActions) === JSON.stringify(actions);
      if (!same) throw new DuplicateListener('A listener already exists on this port for this load balancer');
      return { record: existing, created: false };
    }
    const arn = listenerArn(lbArn, elbId(ctx.ids));
    const tls = protocol === 'HTTPS' || protocol === 'TLS';
    const fresh: ListenerRecord = {
      ListenerArn: arn,
      LoadBalancerArn: lbArn,
      Port: port,
      Protocol: protocol,
      ...(tls ? { Certificates: certificates, SslPolicy: checkSslPolicy(input.SslPolicy) } : {}),
      DefaultActions: actions,
      ...(mutual && { MutualAuthentication: mutual }),
      tags,
      defaultRuleArn: ruleArn(arn, elbId(ctx.ids)),
    };
    return { record: tx.put('listener', arn, fresh), created: true };
  });
  if (created) ctx.log.info('listener created', { listenerArn: record.ListenerArn, port, protocol });
  return { Listeners: [record] };
}
