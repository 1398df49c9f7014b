// CloudWatch alarms: ARNs, lookups across both kinds (metric and composite alarms share one name space per
// region), action ARNs as CloudWatch accepts them, and the alarm history CloudWatch writes.
import { arn, type Partition } from '../../core/arn.js';
import type { AlarmHistoryItem, CompositeAlarmRecord, MetricAlarmRecord } from '../../core/cloudwatch.js';
import { LimitExceededFault } from '../../core/cloudwatch-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';

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
  const { Tags: _tags, ...wire } = alarm;
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

/** CloudWatch's quota of alarms per region. */
export const MAX_ALARMS = 10_000;

/** What PutMetricAlarm and PutCompositeAlarm share: names, descriptions and actions. */
export interface AlarmInput {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled?: boolean;
  OKActions?: string[];
  AlarmActions?: string[];
  InsufficientDataActions?: string[];
}

type AlarmCommon = Omit<MetricAlarmRecord & CompositeAlarmRecord, keyof Omit<MetricAlarmRecord, keyof CompositeAlarmRecord> | keyof Omit<CompositeAlarmRecord, keyof MetricAlarmRecord>>;

/**
 * The members every alarm has, for a Put of `kind` in `tx`: a new alarm starts in INSUFFICIENT_DATA; one that
 * exists keeps its state and tags (a Put replaces the configuration only). Refuses a name the other kind has,
 * and a new alarm past the quota.
 */
export function alarmMembers(tx: Transaction, ctx: ControlContext, kind: 'metric' | 'composite', input: AlarmInput, tags: AlarmCommon['Tags'], now: Date): { members: AlarmCommon; created: boolean } {
  const existing = findAlarm(tx, input.AlarmName);
  if (existing && isComposite(existing) !== (kind === 'composite')) {
    throw new ValidationError(`An alarm named ${input.AlarmName} already exists as a ${kind === 'composite' ? 'metric' : 'composite'} alarm.`);
  }
  if (!existing && ctx.state.count('metricAlarm') + ctx.state.count('compositeAlarm') >= MAX_ALARMS) {
    throw new LimitExceededFault(`The maximum number of alarms (${MAX_ALARMS}) has been reached.`);
  }
  const members: AlarmCommon = {
    AlarmName: input.AlarmName,
    AlarmArn: alarmArn(ctx.partition, input.AlarmName),
    ...(input.AlarmDescription !== undefined && { AlarmDescription: input.AlarmDescription }),
    AlarmConfigurationUpdatedTimestamp: now,
    ActionsEnabled: input.ActionsEnabled ?? true,
    OKActions: input.OKActions ?? [],
    AlarmActions: input.AlarmActions ?? [],
    InsufficientDataActions: input.InsufficientDataActions ?? [],
    StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
    StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
    ...(existing?.StateReasonData !== undefined && { StateReasonData: existing.StateReasonData }),
    StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? now,
    StateTransitionedTimestamp: existing?.StateTransitionedTimestamp ?? now,
    Tags: existing ? existing.Tags : tags,
  };
  return { members, created: !existing };
}
