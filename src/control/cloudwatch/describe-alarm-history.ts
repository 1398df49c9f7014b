// DescribeAlarmHistory: the history CloudWatch keeps 30 days (configuration updates, state updates,
// actions), by alarm, type, item type and time, newest first by default; 100 a page.
import type { AlarmHistoryItem } from '../../core/cloudwatch.js';
import type { ControlContext } from '../context.js';
import { metricStore } from './store.js';
import { decodeToken, encodeToken } from './tokens.js';

export interface DescribeAlarmHistoryInput {
  AlarmName?: string;
  AlarmTypes?: AlarmHistoryItem['AlarmType'][];
  HistoryItemType?: AlarmHistoryItem['HistoryItemType'];
  StartDate?: Date;
  EndDate?: Date;
  MaxRecords?: number;
  NextToken?: string;
  ScanBy?: 'TimestampDescending' | 'TimestampAscending';
}

export async function describeAlarmHistory(ctx: ControlContext, input: DescribeAlarmHistoryInput) {
  const limit = input.MaxRecords ?? 100;
  const offset = input.NextToken === undefined ? 0 : decodeToken(input.NextToken, 'DescribeAlarmHistory');
  // One more than a page tells whether there is a next one.
  const items = await metricStore(ctx).readHistory(ctx.partition, { ...input, offset, limit: limit + 1 });
  return {
    AlarmHistoryItems: items.slice(0, limit),
    ...(items.length > limit && { NextToken: encodeToken(offset + limit, 'DescribeAlarmHistory') }),
  };
}
