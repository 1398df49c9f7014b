import type { SetIpAddressTypeInput, SetIpAddressTypeOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidConfigurationRequest } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveLoadBalancer } from './lookups.js';

const TYPES: readonly string[] = ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'];

/**
 * Records a load balancer's IP address type. Listeners bind the one address `wharf up --lb-address` gives
 * whatever it says. As ELBv2: `dualstack-without-public-ipv4` is for internet-facing application load
 * balancers only.
 */
export async function setIpAddressType(ctx: ControlContext, input: SetIpAddressTypeInput): Promise<SetIpAddressTypeOutput> {
  const type = input.IpAddressType!;
  if (!TYPES.includes(type)) throw new ValidationError(`IP address type '${type}' must be one of '${TYPES.join(', ')}'`);
  const updated = await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, input.LoadBalancerArn!);
    if (type === 'dualstack-without-public-ipv4' && (lb.Type !== 'application' || lb.Scheme !== 'internet-facing'))
      throw new InvalidConfigurationRequest(`IP address type '${type}' is only supported by internet-facing application load balancers`);
    return tx.put('loadBalancer', lb.LoadBalancerArn, { ...lb, IpAddressType: type });
  });
  return { IpAddressType: updated.IpAddressType };
}
