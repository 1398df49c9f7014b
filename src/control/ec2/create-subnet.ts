import type { CreateSubnetRequest, CreateSubnetResult } from '@aws-sdk/client-ec2';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import { InvalidSubnetConflict, InvalidSubnetRange } from '../../core/ec2-errors.js';
import { cidrContains, cidrsOverlap, parseCidr } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import { BLOCK_PREFIX } from './create-vpc.js';
import { tagsFor } from './describe.js';
import { resolveVpc } from './lookups.js';
import { availableAddressCount } from './network-interfaces.js';
import { newSubnet } from './vpcs.js';
import { availabilityZones, findZone } from './zones.js';
import { subnetsByVpc } from './indexes.js';

/** A subnet of a VPC in one availability zone: its block inside the VPC's, overlapping no other subnet's. */
export async function createSubnet(ctx: ControlContext, input: CreateSubnetRequest): Promise<CreateSubnetResult> {
  if (input.CidrBlock === undefined) throw new MissingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  const cidr = parseCidr(input.CidrBlock);
  if (!cidr) throw new InvalidParameterValue(`Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  const zones = availabilityZones(ctx.partition.region);
  const zoneRef = input.AvailabilityZone ?? input.AvailabilityZoneId;
  const zone = zoneRef === undefined ? zones[0]! : findZone(ctx.partition.region, zoneRef);
  if (!zone) {
    throw new InvalidParameterValue(
      `Value (${zoneRef}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.ZoneName).join(', ')}.`,
    );
  }
  const subnet = await ctx.state.mutate((tx) => {
    const vpc = resolveVpc(tx, input.VpcId!);
    if (cidr.prefix < BLOCK_PREFIX.min || cidr.prefix > BLOCK_PREFIX.max || !cidrContains(parseCidr(vpc.CidrBlock)!, cidr)) {
      throw new InvalidSubnetRange(`The CIDR '${input.CidrBlock}' is invalid.`);
    }
    if (ctx.state.where(subnetsByVpc, vpc.VpcId).some((s) => cidrsOverlap(parseCidr(s.CidrBlock)!, cidr))) {
      throw new InvalidSubnetConflict(`The CIDR '${input.CidrBlock}' conflicts with another subnet`);
    }
    const created = newSubnet(ctx, vpc.VpcId, input.CidrBlock!, zone, false, tagsFor('subnet', input.TagSpecifications));
    return tx.put('subnet', created.SubnetId, created);
  });
  ctx.log.info('subnet created', { subnetId: subnet.SubnetId, cidrBlock: subnet.CidrBlock });
  return { Subnet: { ...subnet, AvailableIpAddressCount: availableAddressCount(ctx.state, subnet) } };
}
