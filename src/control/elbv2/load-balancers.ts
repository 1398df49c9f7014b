// What the load balancer operations share: validation of attributes, and how a record is described.
import { LOAD_BALANCER_ATTRIBUTE_DEFAULTS, type LoadBalancerType } from '../../core/elbv2.js';
import type { SubnetRecord } from '../../core/ec2.js';
import { InvalidConfigurationRequest, InvalidSecurityGroup, SubnetNotFound } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { Transaction } from '../state.js';

/** The hosted zone ELBv2 names in CanonicalHostedZoneId; Wharf's names live in no Route 53 zone. */
export const HOSTED_ZONE_ID = 'ZWHARFLOCAL0001';

const BOOLEAN = /^(true|false)$/;

/** Checks attribute changes against the type's attributes and their value ranges, as ELBv2 does. */
export function checkAttributes(
  known: Record<string, string>,
  changes: readonly { Key?: string; Value?: string }[],
  what: 'Load balancer' | 'Target group',
  ranges: Record<string, [number, number]>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { Key, Value = '' } of changes) {
    if (Key === undefined || !(Key in known)) throw new ValidationError(`${what} attribute key '${Key}' is not recognized`);
    if (known[Key] === 'true' || known[Key] === 'false') {
      if (!BOOLEAN.test(Value)) throw new ValidationError(`${what} attribute '${Key}' must be one of 'true, false'`);
    }
    const range = ranges[Key];
    if (range) {
      const n = Number(Value);
      if (!/^\d+$/.test(Value) || n < range[0] || n > range[1])
        throw new InvalidConfigurationRequest(`${what} attribute '${Key}' must be an integer between ${range[0]} and ${range[1]}`);
    }
    result[Key] = Value;
  }
  return result;
}

export const LOAD_BALANCER_RANGES: Record<string, [number, number]> = {
  'idle_timeout.timeout_seconds': [1, 4000],
  'client_keep_alive.seconds': [60, 604800],
};

export const attributeList = (attributes: Record<string, string>) => Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));

export const attributeDefaults = (type: LoadBalancerType) => ({ ...LOAD_BALANCER_ATTRIBUTE_DEFAULTS[type] });

/**
 * The subnets a load balancer of `type` is placed in, as ELBv2 checks them: each exists, all in one VPC,
 * one per zone, two zones at least for an application load balancer.
 */
export function checkSubnets(tx: Pick<Transaction, 'get'>, type: LoadBalancerType, ids: readonly string[]): SubnetRecord[] {
  const subnets = ids.map((id) => {
    const subnet = tx.get('subnet', id);
    if (!subnet) throw new SubnetNotFound(`The subnet ID '${id}' is not valid`);
    return subnet;
  });
  if (new Set(subnets.map((s) => s.VpcId)).size > 1) throw new ValidationError('The subnets must all belong to the same VPC');
  const zones = new Set(subnets.map((s) => s.AvailabilityZone));
  if (type === 'application' && zones.size < 2) throw new ValidationError('At least two subnets in two different Availability Zones must be specified');
  if (zones.size !== subnets.length) throw new ValidationError('You can specify only one subnet per Availability Zone');
  return subnets;
}

export const availabilityZones = (subnets: readonly SubnetRecord[]) => subnets.map((s) => ({ ZoneName: s.AvailabilityZone, SubnetId: s.SubnetId, LoadBalancerAddresses: [] }));

/** Security groups for a load balancer in `vpcId`: each exists there (InvalidSecurityGroup otherwise). */
export function checkSecurityGroups(tx: Pick<Transaction, 'get'>, vpcId: string, ids: readonly string[]): string[] {
  for (const id of ids) {
    const group = tx.get('securityGroup', id);
    if (!group || group.VpcId !== vpcId) throw new InvalidSecurityGroup(`Security group '${id}' does not exist in VPC '${vpcId}'`);
  }
  return [...new Set(ids)];
}
