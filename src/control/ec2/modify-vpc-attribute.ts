import type { ModifyVpcAttributeRequest } from '@aws-sdk/client-ec2';
import { InvalidParameterCombination } from '../../core/ec2-errors.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveVpc } from './lookups.js';

/**
 * Sets one attribute per call, as EC2 does; DNS hostnames need DNS support. Wharf's tasks resolve through
 * the host whatever these say: they are kept and answered for the tools that manage them.
 */
export async function modifyVpcAttribute(ctx: ControlContext, input: ModifyVpcAttributeRequest): Promise<void> {
  const given = { enableDnsSupport: input.EnableDnsSupport?.Value, enableDnsHostnames: input.EnableDnsHostnames?.Value, enableNetworkAddressUsageMetrics: input.EnableNetworkAddressUsageMetrics?.Value };
  const set = Object.entries(given).filter(([, v]) => v !== undefined);
  if (set.length !== 1) throw new InvalidParameterCombination('Exactly one attribute must be specified per request.');
  await ctx.state.mutate((tx) => {
    const vpc = resolveVpc(tx, input.VpcId!);
    const attributes = { ...vpc.attributes, [set[0]![0]]: set[0]![1] as boolean };
    if (attributes.enableDnsHostnames && !attributes.enableDnsSupport) {
      throw new InvalidParameterValue('enableDnsHostnames can only be enabled if enableDnsSupport is also enabled.');
    }
    tx.put('vpc', vpc.VpcId, { ...vpc, attributes });
  });
  ctx.log.info('vpc attribute modified', { vpcId: input.VpcId, attribute: set[0]![0] });
}
