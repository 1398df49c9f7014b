// What the load balancer operations share: validation of attributes, and how a record is described.
import { LOAD_BALANCER_ATTRIBUTE_DEFAULTS, type LoadBalancerType } from '../../core/elbv2.js';
import { InvalidConfigurationRequest } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';

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
