import type { ModifyListenerInput, ModifyListenerOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerProtocol, ListenerRecord } from '../../core/elbv2.js';
import { DuplicateListener } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { checkActions } from './actions.js';
import { checkCertificates, checkMutualAuthentication, checkPortFree, checkProtocol, checkSslPolicy } from './listeners.js';
import { resolveListener, resolveLoadBalancer } from './lookups.js';
import { listenersByLoadBalancer } from './indexes.js';

/** Changes a listener's port, protocol, certificates or default actions; what is not given stays. */
export async function modifyListener(ctx: ControlContext, input: ModifyListenerInput): Promise<ModifyListenerOutput> {
  const current = resolveListener(ctx.state, input.ListenerArn!);
  if (input.Port !== undefined && input.Port !== current.Port) await checkPortFree(ctx, current.LoadBalancerArn, input.Port, current.ListenerArn);
  const updated = await ctx.state.mutate((tx) => {
    const listener = resolveListener(tx, input.ListenerArn!);
    const lb = resolveLoadBalancer(tx, listener.LoadBalancerArn);
    const port = input.Port ?? listener.Port;
    const protocol = (input.Protocol ?? listener.Protocol) as ListenerProtocol;
    checkProtocol(lb, protocol);
    if (ctx.state.where(listenersByLoadBalancer, lb.LoadBalancerArn).some((l) => l.Port === port && l.ListenerArn !== listener.ListenerArn))
      throw new DuplicateListener('A listener already exists on this port for this load balancer');
    const tls = protocol === 'HTTPS' || protocol === 'TLS';
    const certificates = checkCertificates(tx, protocol, input.Certificates ?? (tls ? listener.Certificates ?? [] : []));
    const mutual = checkMutualAuthentication(tx, protocol, input.MutualAuthentication ?? (tls ? listener.MutualAuthentication : undefined));
    const { Certificates: _c, SslPolicy: _s, MutualAuthentication: _m, extraCertificates, ...rest } = listener;
    const next: ListenerRecord = {
      ...rest,
      Port: port,
      Protocol: protocol,
      ...(tls ? { Certificates: certificates, SslPolicy: checkSslPolicy(input.SslPolicy ?? listener.SslPolicy), ...(extraCertificates && { extraCertificates }) } : {}),
      ...(mutual && { MutualAuthentication: mutual }),
      DefaultActions: input.DefaultActions ? checkActions(ctx.state, lb, protocol, input.DefaultActions) : listener.DefaultActions,
    };
    return tx.put('listener', listener.ListenerArn, next);
  });
  return { Listeners: [updated] };
}
