import type { RemoveListenerCertificatesInput, RemoveListenerCertificatesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { OperationNotPermitted } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveListener } from './lookups.js';

/** Removes SNI certificates from a listener; its default certificate changes only with ModifyListener. */
export async function removeListenerCertificates(ctx: ControlContext, input: RemoveListenerCertificatesInput): Promise<RemoveListenerCertificatesOutput> {
  const removed = new Set((input.Certificates ?? []).map((c) => c.CertificateArn));
  await ctx.state.mutate((tx) => {
    const listener = resolveListener(tx, input.ListenerArn!);
    if ((listener.Certificates ?? []).some((c) => removed.has(c.CertificateArn)))
      throw new OperationNotPermitted('The default certificate of a listener cannot be removed: change it with ModifyListener');
    tx.put('listener', listener.ListenerArn, { ...listener, extraCertificates: (listener.extraCertificates ?? []).filter((arn) => !removed.has(arn)) });
  });
  return {};
}
