// The availability zones Wharf offers in a region: `<region>a`, `b` and `c`, with zone ids as AWS forms
// them (`use1-az1`: the region's short code and the zone's number).
import type { AvailabilityZone } from '../../core/ec2.js';
import { ZONE_LETTERS } from '../../core/ec2.js';

const DIRECTIONS: Record<string, string> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
};

/** `us-east-1` -> `use1`, `ap-southeast-2` -> `apse2`, as AWS abbreviates regions in zone ids. */
export function regionCode(region: string): string {
  const [country = '', direction = '', number = ''] = region.split('-');
  return `${country}${DIRECTIONS[direction] ?? direction.slice(0, 1)}${number}`;
}

export function availabilityZones(region: string): (AvailabilityZone & { ZoneName: string; ZoneId: string })[] {
  return ZONE_LETTERS.map((letter, i) => ({
    State: 'available',
    OptInStatus: 'opt-in-not-required',
    Messages: [],
    RegionName: region,
    ZoneName: `${region}${letter}`,
    ZoneId: `${regionCode(region)}-az${i + 1}`,
    GroupName: region,
    NetworkBorderGroup: region,
    ZoneType: 'availability-zone',
    GroupLongName: region,
  }));
}

/** The zone of a region by name, or undefined. */
export const findZone = (region: string, name: string) => availabilityZones(region).find((z) => z.ZoneName === name || z.ZoneId === name);
