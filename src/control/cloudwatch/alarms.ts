// CloudWatch alarms: ARNs, lookups across both kinds (metric and composite alarms share one name space per
// region), action ARNs as CloudWatch accepts them, and the alarm history CloudWatch writes.
import { arn, type Partition } from '../../core/arn.js';
import type { AlarmHistoryItem, CompositeAlarmRecord, MetricAlarmRecord } from '../../core/cloudwatch.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';

export const alarmArn = (partition: Partition, name: string) => arn(partition, 'cloudwatch', `alarm:${name}`);

export type AlarmRecord = MetricAlarmRecord | CompositeAlarmRecord;

export const isComposite = (alarm: AlarmRecord): alarm is CompositeAlarmRecord => 'AlarmRule' in alarm;

/** An alarm of either kind by name. */
export function findAlarm(state: Pick<State, 'get'>, name: string): AlarmRecord | undefined {
  return state.get('metricAlarm', name) ?? state.get('compositeAlarm', name);
}

/** Every alarm of the region, by name (DescribeAlarms' order). */
export function allAlarms(state: Pick<State, 'all'>): AlarmRecord[] {
  return [...state.all('metricAlarm'), ...state.all('compositeAlarm')].sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : a.AlarmName > b.AlarmName ? 1 : 0));
}

/**
 * Actions CloudWatch can take: SNS topics, EC2 Auto Scaling and Application Auto Scaling policies, EC2
 * actions (arn:aws:automate), Systems Manager OpsItems/incidents, Lambda functions.
 */
const ACTION = /^arn:aws[\w-]*:(sns:[\w-]+:\d{12}:[\w-]+|autoscaling:[\w-]+:\d{12}:scalingPolicy:.+|automate:[\w-]+:ec2:(stop|terminate|reboot|recover)|ssm:[\w-]+:\d{12}:opsitem:.+|ssm-incidents::\d{12}:response-plan\/.+|lambda:[\w-]+:\d{12}:function:.+)$/;

export function checkActions(...lists: (string[] | undefined)[]): void {
  for (const action of lists.flat()) {
    if (action !== undefined && !ACTION.test(action)) throw new ValidationError(`Invalid arn syntax: ${action}`);
  }
}

/** The alarm as DescribeAlarms shows it (internal members left out). */
export function describeAlarm(alarm: AlarmRecord): Record<string, unknown> {
  const { Tags: _tags, ...wire } = alarm as AlarmRecord & { evaluatedAt?: Date };
  delete (wire as { evaluatedAt?: Date }).evaluatedAt;
  return wire;
}

/** Writes history items for `alarm` (best effort where no metric store is configured). */
export async function recordHistory(ctx: ControlContext, items: Omit<AlarmHistoryItem, 'AlarmType'>[], composite: boolean): Promise<void> {
  await ctx.metrics?.appendHistory(
    ctx.partition,
    items.map((item) => ({ ...item, AlarmType: composite ? 'CompositeAlarm' : 'MetricAlarm' })),
  );
}

/** The ConfigurationUpdate item CloudWatch writes when an alarm is created, updated or deleted. */
export function configurationItem(alarm: AlarmRecord, type: 'Create' | 'Update' | 'Delete', at: Date): Omit<AlarmHistoryItem, 'AlarmType'> {
  const verb = { Create: 'created', Update: 'updated', Delete: 'deleted' }[type];
  const key = { Create: 'createdAlarm', Update: 'updatedAlarm', Delete: 'deletedAlarm' }[type];
  return {
    AlarmName: alarm.AlarmName,
    Timestamp: at,
    HistoryItemType: 'ConfigurationUpdate',
    HistorySummary: `Alarm "${alarm.AlarmName}" ${verb}`,
    HistoryData: JSON.stringify({ version: '1.0', type, [key]: describeAlarm(alarm) }),
  };
}
