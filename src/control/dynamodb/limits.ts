// DescribeEndpoints (the SDKs' endpoint discovery: Wharf's own address) and DescribeLimits (AWS's default
// quotas; nothing enforces them, as provisioned throughput is not throttled).
import type { ControlContext } from '../context.js';

export function describeEndpoints(ctx: ControlContext) {
  return { Endpoints: [{ Address: new URL(ctx.endpoint).host, CachePeriodInMinutes: 1440 }] };
}

export function describeLimits() {
  return { AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000 };
}
