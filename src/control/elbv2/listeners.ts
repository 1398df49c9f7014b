// What the listener operations share: protocol and certificate checks, and port conflicts (every
// listener binds its port on this host, so two load balancers cannot both listen on one port).
import type { Certificate } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerRecord } from '../../core/elbv2.js';
import { CertificateNotFound, InvalidConfigurationRequest } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';

const PROTOCOLS = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS'] };
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

export function checkProtocol(lb: LoadBalancerRecord, protocol: string): void {
  const allowed = PROTOCOLS[lb.Type];
  if (!allowed.includes(protocol)) throw new ValidationError(`Listener protocol '${protocol}' must be one of '${allowed.join(', ')}'`);
}

/** Certificates of a TLS listener: at least one, each imported in ACM. */
export function checkCertificates(state: Pick<State, 'get'>, protocol: string, certificates: readonly Certificate[]): Certificate[] {
  const tls = protocol === 'HTTPS' || protocol === 'TLS';
  if (!tls) {
    if (certificates.length) throw new ValidationError(`Certificates are only supported for HTTPS and TLS listeners`);
    return [];
  }
  if (certificates.length === 0) throw new ValidationError(`A certificate must be specified for ${protocol} listeners`);
  return certificates.map((c) => {
    if (!c.CertificateArn || !state.get('certificate', c.CertificateArn)) throw new CertificateNotFound(`Certificate '${c.CertificateArn}' not found`);
    return { CertificateArn: c.CertificateArn };
  });
}

/** A listener port is free on this host: no other load balancer's listener has it, and nothing else holds it. */
export async function checkPortFree(ctx: ControlContext, lbArn: string, port: number, except?: string): Promise<void> {
  const owner = [...ctx.state.all('listener')].find((l) => l.Port === port && l.ListenerArn !== except);
  if (owner && owner.LoadBalancerArn !== lbArn) {
    const lb = ctx.state.get('loadBalancer', owner.LoadBalancerArn);
    throw new InvalidConfigurationRequest(`Port ${port} is already used by a listener of load balancer '${lb?.LoadBalancerName}': load balancers share this host's address`);
  }
  if (!owner && ctx.loadBalancers && !(await ctx.loadBalancers.dataPlane.portAvailable(port)))
    throw new InvalidConfigurationRequest(`Port ${port} is already in use on this host`);
}
