// What CloudWatch does itself when an alarm changes state, as pure shapes: the `CloudWatch Alarm State Change`
// event it sends to EventBridge's default bus (always, whatever ActionsEnabled says: AWS "guarantees the
// delivery of alarm state change events"), and the `Action` history items of the SNS topics in the new state's
// action list. Wharf has no SNS: a topic cannot be delivered to, and the history says so as CloudWatch
// says it of a topic it cannot publish to (`Failed to execute action <arn>. Received error: "..."`).
// Scaling-policy actions are not CloudWatch's to run (src/core/cloudwatch.ts: Application Auto Scaling acts).
// Shapes: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
import type { AlarmHistoryItem, AlarmState, CompositeAlarmRecord, MetricAlarmRecord, MetricDataQuery } from './cloudwatch.js';

type Alarm = MetricAlarmRecord | CompositeAlarmRecord;

/** CloudWatch's timestamps in events and reason data: `2019-10-02T17:04:40.989+0000`. */
export const cloudwatchTime = (at: Date) => at.toISOString().replace('Z', '+0000');

/** The members of the event EventBridge delivers (the bus adds version, id, account, region and time). */
export interface AlarmStateChangeEvent {
  source: 'aws.cloudwatch';
  'detail-type': 'CloudWatch Alarm State Change';
  resources: string[];
  detail: Record<string, unknown>;
}

function stateOf(alarm: Alarm) {
  return {
    value: alarm.StateValue,
    reason: alarm.StateReason,
    ...(alarm.StateReasonData !== undefined && { reasonData: alarm.StateReasonData }),
    timestamp: cloudwatchTime(new Date(alarm.StateUpdatedTimestamp)),
  };
}

/** A query as the event writes it: camel-cased members, dimensions as a name -> value map. */
function queryOf(query: MetricDataQuery) {
  const stat = query.MetricStat;
  return {
    id: query.Id,
    ...(stat && {
      metricStat: {
        metric: { namespace: stat.Metric.Namespace, name: stat.Metric.MetricName, dimensions: Object.fromEntries((stat.Metric.Dimensions ?? []).map((d) => [d.Name, d.Value])) },
        period: stat.Period,
        stat: stat.Stat,
        ...(stat.Unit !== undefined && { unit: stat.Unit }),
      },
    }),
    ...(query.Expression !== undefined && { expression: query.Expression }),
    ...(query.Label !== undefined && { label: query.Label }),
    ...(query.Period !== undefined && !stat && { period: query.Period }),
    returnData: query.ReturnData ?? true,
  };
}

function configurationOf(alarm: Alarm, id: string): Record<string, unknown> {
  const description = alarm.AlarmDescription !== undefined ? { description: alarm.AlarmDescription } : {};
  if ('AlarmRule' in alarm) {
    return {
      alarmRule: alarm.AlarmRule,
      ...(alarm.ActionsSuppressor !== undefined && {
        actionsSuppressor: alarm.ActionsSuppressor,
        actionsSuppressorWaitPeriod: alarm.ActionsSuppressorWaitPeriod,
        actionsSuppressorExtensionPeriod: alarm.ActionsSuppressorExtensionPeriod,
      }),
      ...description,
    };
  }
  // A single-metric alarm is written as one query, whose id CloudWatch generates.
  const single: MetricDataQuery[] = alarm.MetricName !== undefined
    ? [{ Id: id, MetricStat: { Metric: { Namespace: alarm.Namespace!, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }, Period: alarm.Period!, Stat: (alarm.Statistic ?? alarm.ExtendedStatistic)!, ...(alarm.Unit !== undefined && { Unit: alarm.Unit }) }, ReturnData: true }]
    : [];
  return { ...description, metrics: (alarm.Metrics ?? single).map(queryOf) };
}

/** The event of `before` moving to `after` (a change of StateValue). `queryId` names a single metric's query. */
export function alarmStateChangeEvent(before: Alarm, after: Alarm, queryId: string): AlarmStateChangeEvent {
  return {
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    resources: [after.AlarmArn],
    detail: { alarmName: after.AlarmName, state: stateOf(after), previousState: stateOf(before), configuration: configurationOf(after, queryId) },
  };
}

/** The action list of a state. */
export function actionsFor(alarm: Alarm, state: AlarmState): string[] {
  return { OK: alarm.OKActions, ALARM: alarm.AlarmActions, INSUFFICIENT_DATA: alarm.InsufficientDataActions }[state] ?? [];
}

const SNS_TOPIC = /^arn:aws[\w-]*:sns:/;

/**
 * The `Action` history items of the SNS topics the alarm's new state names, when its actions are enabled: each
 * failed, as no topic exists here (SNS's own error for a missing topic: `Topic does not exist`).
 */
export function snsActionItems(alarm: Alarm, at: Date): Omit<AlarmHistoryItem, 'AlarmType'>[] {
  if (!alarm.ActionsEnabled) return [];
  return actionsFor(alarm, alarm.StateValue)
    .filter((action) => SNS_TOPIC.test(action))
    .map((topic) => {
      const error = 'Topic does not exist';
      return {
        AlarmName: alarm.AlarmName,
        Timestamp: at,
        HistoryItemType: 'Action' as const,
        HistorySummary: `Failed to execute action ${topic}. Received error: "${error}"`,
        HistoryData: JSON.stringify({ actionState: 'Failed', stateUpdateTimestamp: at.getTime(), notificationResource: topic, publishedMessage: null, error }),
      };
    });
}
