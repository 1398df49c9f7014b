import type { DescribeAccountLimitsInput, DescribeAccountLimitsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { page } from './lookups.js';

/**
 * ELBv2's default quotas, by the names DescribeAccountLimits gives them. Wharf enforces those that bound
 * its memory (rules per load balancer, targets per target group); the rest are AWS's numbers, reported.
 */
const LIMITS: Record<string, number> = {
  'application-load-balancers': 50,
  'network-load-balancers': 50,
  'gateway-load-balancers': 100,
  'gateway-load-balancers-per-vpc': 100,
  'target-groups': 3000,
  'targets-per-target-group': 1000,
  'targets-per-application-load-balancer': 1000,
  'targets-per-network-load-balancer': 3000,
  'targets-per-availability-zone-per-network-load-balancer': 500,
  'targets-per-availability-zone-per-gateway-load-balancer': 300,
  'listeners-per-application-load-balancer': 50,
  'listeners-per-network-load-balancer': 50,
  'rules-per-application-load-balancer': 100,
  'condition-values-per-alb-rule': 5,
  'condition-wildcards-per-alb-rule': 5,
  'target-groups-per-application-load-balancer': 100,
  'target-groups-per-action-on-application-load-balancer': 5,
  'target-groups-per-action-on-network-load-balancer': 1,
  'certificates-per-application-load-balancer': 25,
  'certificates-per-network-load-balancer': 25,
  'target-id-registrations-per-application-load-balancer': 1000,
  'network-load-balancer-enis-per-vpc': 1200,
  'geneve-target-groups': 100,
  'trust-stores-per-account': 20,
};

export function describeAccountLimits(_ctx: ControlContext, input: DescribeAccountLimitsInput): DescribeAccountLimitsOutput {
  const { items, NextMarker } = page(Object.entries(LIMITS), ([name]) => name, input);
  return { Limits: items.map(([Name, max]) => ({ Name, Max: String(max) })), ...(NextMarker && { NextMarker }) };
}
