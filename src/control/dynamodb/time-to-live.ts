// DescribeTimeToLive / UpdateTimeToLive: which attribute holds items' expiry; the tables' controller deletes
// expired items.
import { ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveTable } from './tables.js';

export function describeTimeToLive(ctx: ControlContext, input: { TableName: string }) {
  const ttl = resolveTable(ctx.state, input.TableName).timeToLive;
  return { TimeToLiveDescription: ttl?.enabled ? { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.AttributeName } : { TimeToLiveStatus: 'DISABLED' } };
}

export async function updateTimeToLive(ctx: ControlContext, input: { TableName: string; TimeToLiveSpecification: { Enabled: boolean; AttributeName: string } }) {
  const { Enabled, AttributeName } = input.TimeToLiveSpecification;
  await ctx.state.mutate((tx) => {
    const table = resolveTable(tx, input.TableName);
    const current = table.timeToLive;
    if (Enabled && current?.enabled) throw new ValidationException('TimeToLive is already enabled');
    if (!Enabled && !current?.enabled) throw new ValidationException('TimeToLive is already disabled');
    if (!Enabled && current && current.AttributeName !== AttributeName)
      throw new ValidationException(`TimeToLive is active on a different AttributeName: current AttributeName is ${current.AttributeName}`);
    tx.put('dynamodbTable', table.TableName, { ...table, timeToLive: { AttributeName, enabled: Enabled } });
  });
  return { TimeToLiveSpecification: { Enabled, AttributeName } };
}
