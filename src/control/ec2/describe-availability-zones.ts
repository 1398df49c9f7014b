import type { DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult } from '@aws-sdk/client-ec2';
import type { AvailabilityZone } from '../../core/ec2.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { availabilityZones } from './zones.js';

const FIELDS: FilterFields<AvailabilityZone> = {
  'zone-name': (z) => z.ZoneName,
  'zone-id': (z) => z.ZoneId,
  'zone-type': (z) => z.ZoneType,
  state: (z) => z.State,
  'region-name': (z) => z.RegionName,
  'group-name': (z) => z.GroupName,
  'opt-in-status': (z) => z.OptInStatus,
  'network-border-group': (z) => z.NetworkBorderGroup,
};

export async function describeAvailabilityZones(
  ctx: ControlContext,
  input: DescribeAvailabilityZonesRequest,
): Promise<DescribeAvailabilityZonesResult> {
  const zones = availabilityZones(ctx.partition.region).filter(
    (z) => (!input.ZoneNames?.length || input.ZoneNames.includes(z.ZoneName)) && (!input.ZoneIds?.length || input.ZoneIds.includes(z.ZoneId)),
  );
  const unknown = [...(input.ZoneNames ?? []), ...(input.ZoneIds ?? [])].filter((n) => !zones.some((z) => z.ZoneName === n || z.ZoneId === n));
  if (unknown.length) throw new InvalidParameterValue(`Invalid availability zone: [${unknown.join(', ')}]`);
  return { AvailabilityZones: describe(zones, (z) => z.ZoneName, { Filters: input.Filters }, FIELDS, () => new InvalidParameterValue('')).items };
}
