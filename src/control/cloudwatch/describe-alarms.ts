// DescribeAlarms (by names, prefix, type, state, action prefix, a composite's children or parents; 50 a page)
// and DescribeAlarmsForMetric (the metric alarms on one metric).
import type { CompositeAlarmRecord, Dimension, MetricAlarmRecord } from '../../core/cloudwatch.js';
import { alarmsOfRule, parseAlarmRule } from '../../core/cloudwatch-alarm-rule.js';
import { metricKey } from '../../core/cloudwatch.js';
import { InvalidParameterCombinationException } from '../../core/cloudwatch-errors.js';
import type { ControlContext } from '../context.js';
import { allAlarms, describeAlarm, findAlarm, isComposite, type AlarmRecord } from './alarms.js';
import { decodeToken, encodeToken } from './tokens.js';

export interface DescribeAlarmsInput {
  AlarmNames?: string[];
  AlarmNamePrefix?: string;
  AlarmTypes?: ('MetricAlarm' | 'CompositeAlarm')[];
  ChildrenOfAlarmName?: string;
  ParentsOfAlarmName?: string;
  StateValue?: string;
  ActionPrefix?: string;
  MaxRecords?: number;
  NextToken?: string;
}

export function describeAlarms(ctx: ControlContext, input: DescribeAlarmsInput) {
  if (input.AlarmNames?.length && input.AlarmNamePrefix !== undefined) {
    throw new InvalidParameterCombinationException('AlarmNames and AlarmNamePrefix are mutually exclusive.');
  }
  const relatives = input.ChildrenOfAlarmName ?? input.ParentsOfAlarmName;
  if (relatives !== undefined && (input.AlarmNames?.length || input.AlarmNamePrefix !== undefined || input.StateValue !== undefined || input.ActionPrefix !== undefined)) {
    throw new InvalidParameterCombinationException('ChildrenOfAlarmName and ParentsOfAlarmName can be combined with AlarmTypes only.');
  }
  // Without AlarmTypes, metric alarms only (as CloudWatch answers).
  const types = new Set(input.AlarmTypes?.length ? input.AlarmTypes : ['MetricAlarm']);
  let alarms = allAlarms(ctx.state);
  if (input.ChildrenOfAlarmName !== undefined) {
    const parent = ctx.state.get('compositeAlarm', input.ChildrenOfAlarmName);
    const children = new Set(parent ? alarmsOfRule(parseAlarmRule(parent.AlarmRule)) : []);
    alarms = alarms.filter((a) => children.has(a.AlarmName));
  }
  if (input.ParentsOfAlarmName !== undefined) {
    const child = input.ParentsOfAlarmName;
    alarms = alarms.filter((a) => isComposite(a) && alarmsOfRule(parseAlarmRule(a.AlarmRule)).includes(child));
  }
  if (input.AlarmNames?.length) alarms = alarms.filter((a) => input.AlarmNames!.includes(a.AlarmName));
  if (input.AlarmNamePrefix !== undefined) alarms = alarms.filter((a) => a.AlarmName.startsWith(input.AlarmNamePrefix!));
  if (input.StateValue !== undefined) alarms = alarms.filter((a) => a.StateValue === input.StateValue);
  if (input.ActionPrefix !== undefined) {
    alarms = alarms.filter((a) => [...a.AlarmActions, ...a.OKActions, ...a.InsufficientDataActions].some((action) => action.startsWith(input.ActionPrefix!)));
  }
  const metricAlarms = alarms.filter((a): a is MetricAlarmRecord => !isComposite(a) && types.has('MetricAlarm'));
  const compositeAlarms = alarms.filter((a): a is CompositeAlarmRecord => isComposite(a) && types.has('CompositeAlarm'));
  // One page over both lists, metric alarms first.
  const size = input.MaxRecords ?? 50;
  const offset = input.NextToken === undefined ? 0 : decodeToken(input.NextToken, 'DescribeAlarms');
  const listed: AlarmRecord[] = [...metricAlarms, ...compositeAlarms].slice(offset, offset + size);
  return {
    MetricAlarms: listed.filter((a) => !isComposite(a)).map(describeAlarm),
    CompositeAlarms: listed.filter(isComposite).map(describeAlarm),
    ...(offset + size < metricAlarms.length + compositeAlarms.length && { NextToken: encodeToken(offset + size, 'DescribeAlarms') }),
  };
}

export interface DescribeAlarmsForMetricInput {
  MetricName: string;
  Namespace: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Period?: number;
  Unit?: string;
}

export function describeAlarmsForMetric(ctx: ControlContext, input: DescribeAlarmsForMetricInput) {
  const key = metricKey({ Namespace: input.Namespace, MetricName: input.MetricName, Dimensions: input.Dimensions ?? [] });
  const alarms = [...ctx.state.all('metricAlarm')].filter(
    (a) =>
      a.Namespace !== undefined &&
      metricKey({ Namespace: a.Namespace, MetricName: a.MetricName!, Dimensions: a.Dimensions }) === key &&
      (input.Statistic === undefined || a.Statistic === input.Statistic) &&
      (input.ExtendedStatistic === undefined || a.ExtendedStatistic === input.ExtendedStatistic) &&
      (input.Period === undefined || a.Period === input.Period) &&
      (input.Unit === undefined || a.Unit === input.Unit),
  );
  return { MetricAlarms: alarms.sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1)).map(describeAlarm) };
}

