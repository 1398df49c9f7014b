import type { AddListenerCertificatesInput, AddListenerCertificatesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidConfigurationRequest } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { checkCertificates } from './listeners.js';
import { resolveListener } from './lookups.js';

/** Adds certificates an HTTPS or TLS listener serves by SNI, beside its default one. */
export async function addListenerCertificates(ctx: ControlContext, input: AddListenerCertificatesInput): Promise<AddListenerCertificatesOutput> {
  const added = await ctx.state.mutate((tx) => {
    const listener = resolveListener(tx, input.ListenerArn!);
    if (listener.Protocol !== 'HTTPS' && listener.Protocol !== 'TLS')
      throw new InvalidConfigurationRequest(`Certificates can only be added to HTTPS and TLS listeners`);
    const certificates = checkCertificates(tx, listener.Protocol, input.Certificates ?? []);
    const extra = new Set(listener.extraCertificates ?? []);
    const defaults = new Set((listener.Certificates ?? []).map((c) => c.CertificateArn));
    for (const c of certificates) if (!defaults.has(c.CertificateArn)) extra.add(c.CertificateArn!);
    tx.put('listener', listener.ListenerArn, { ...listener, extraCertificates: [...extra] });
    return certificates;
  });
  return { Certificates: added.map((c) => ({ CertificateArn: c.CertificateArn, IsDefault: false })) };
}
