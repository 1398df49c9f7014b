// The CloudWatch alarms a target-tracking policy makes and owns, as AWS makes them:
// `TargetTracking-<resource id>-AlarmHigh-<uuid>` (metric above the target for 3 of 3 one-minute periods:
// scale out) and `-AlarmLow-<uuid>` (below 90% of it for 15 of 15: scale in; none when scale-in is disabled),
// both acting on the policy's ARN. Wharf's high-resolution setting (docs/autoscaling.md) gives them 10-s
// periods and shorter windows, 1 datapoint high and 3 low, so a service reacts within seconds.
import type { PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { TargetTrackingScalingPolicyConfiguration } from '@aws-sdk/client-application-auto-scaling';
import { ecsServiceOf, uuidOf } from '../../core/app-autoscaling.js';
import { ValidationException } from '../../core/errors.js';

export interface AlarmTiming {
  period: number;
  highPeriods: number;
  lowPeriods: number;
}

export const STANDARD_TIMING: AlarmTiming = { period: 60, highPeriods: 3, lowPeriods: 15 };
export const HIGH_RESOLUTION_TIMING: AlarmTiming = { period: 10, highPeriods: 1, lowPeriods: 3 };

/** AWS's low alarm watches for the metric below 90% of the target. */
const LOW_SHARE = 0.9;

/** The metric a target-tracking configuration tracks, as alarm members (single metric or metric math). */
function trackedMetric(resourceId: string, config: TargetTrackingScalingPolicyConfiguration): Partial<PutMetricAlarmInput> {
  const predefined = config.PredefinedMetricSpecification;
  if (predefined) {
    // An EC2 Auto Scaling group's predefined metrics come here as customized ones, but for ALBRequestCountPerTarget.
    const service = () => {
      const names = ecsServiceOf(resourceId)!;
      return [
        { Name: 'ClusterName', Value: names.cluster },
        { Name: 'ServiceName', Value: names.service },
      ];
    };
    switch (predefined.PredefinedMetricType) {
      case 'ECSServiceAverageCPUUtilization':
        return { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average', Dimensions: service(), Unit: 'Percent' };
      case 'ECSServiceAverageMemoryUtilization':
        return { Namespace: 'AWS/ECS', MetricName: 'MemoryUtilization', Statistic: 'Average', Dimensions: service(), Unit: 'Percent' };
      case 'ALBRequestCountPerTarget': {
        const targetGroup = albTargetGroup(predefined.ResourceLabel);
        return { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget', Statistic: 'Sum', Dimensions: [{ Name: 'TargetGroup', Value: targetGroup }] };
      }
      default:
        throw new ValidationException(`Unsupported predefined metric type ${predefined.PredefinedMetricType} for service namespace ecs`);
    }
  }
  const custom = config.CustomizedMetricSpecification;
  if (!custom) throw new ValidationException('Either PredefinedMetricSpecification or CustomizedMetricSpecification must be specified');
  if (custom.Metrics?.length) {
    return {
      Metrics: custom.Metrics.map((q) => ({
        Id: q.Id,
        ...(q.Expression !== undefined && { Expression: q.Expression }),
        ...(q.Label !== undefined && { Label: q.Label }),
        ...(q.ReturnData !== undefined && { ReturnData: q.ReturnData }),
        ...(q.MetricStat && {
          MetricStat: {
            Metric: { Namespace: q.MetricStat.Metric!.Namespace, MetricName: q.MetricStat.Metric!.MetricName, Dimensions: q.MetricStat.Metric!.Dimensions ?? [] },
            Stat: q.MetricStat.Stat,
            ...(q.MetricStat.Unit && { Unit: q.MetricStat.Unit }),
          },
        }),
      })) as PutMetricAlarmInput['Metrics'],
    };
  }
  if (!custom.MetricName || !custom.Namespace || !custom.Statistic)
    throw new ValidationException('CustomizedMetricSpecification needs MetricName, Namespace and Statistic, or Metrics');
  return {
    Namespace: custom.Namespace,
    MetricName: custom.MetricName,
    Statistic: custom.Statistic,
    Dimensions: custom.Dimensions ?? [],
    ...(custom.Unit && { Unit: custom.Unit as PutMetricAlarmInput['Unit'] }),
  };
}

/** `app/<lb>/<id>/targetgroup/<tg>/<id>` -> the TargetGroup dimension, `targetgroup/<tg>/<id>`. */
function albTargetGroup(label: string | undefined): string {
  const match = label && /^app\/[^/]+\/[^/]+\/(targetgroup\/[^/]+\/[^/]+)$/.exec(label);
  if (!match) throw new ValidationException('ResourceLabel must be of the form app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id> for ALBRequestCountPerTarget');
  return match[1]!;
}

/** Checks the configuration's metric as PutScalingPolicy does (before anything is stored). */
export const checkTrackedMetric = (resourceId: string, config: TargetTrackingScalingPolicyConfiguration) => void trackedMetric(resourceId, config);

/** The alarms of a target-tracking policy: AlarmHigh, and AlarmLow unless scale-in is disabled. */
export function targetTrackingAlarms(
  policy: { PolicyARN: string; ResourceId: string; config: TargetTrackingScalingPolicyConfiguration },
  uuids: { high: string; low: string },
  timing: AlarmTiming,
): PutMetricAlarmInput[] {
  const metric = trackedMetric(policy.ResourceId, policy.config);
  const target = policy.config.TargetValue!;
  const common = {
    ...metric,
    AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policy.PolicyARN}.`,
    ActionsEnabled: true,
    AlarmActions: [policy.PolicyARN],
    ...(metric.Metrics ? {} : { Period: timing.period }),
  };
  const withPeriod = (periods: number) =>
    metric.Metrics
      ? { ...common, EvaluationPeriods: periods, DatapointsToAlarm: periods, Metrics: metric.Metrics.map((q) => (q.MetricStat ? { ...q, MetricStat: { ...q.MetricStat, Period: timing.period } } : q)) }
      : { ...common, EvaluationPeriods: periods, DatapointsToAlarm: periods };
  const alarms: PutMetricAlarmInput[] = [
    { AlarmName: alarmName(policy.ResourceId, 'High', uuids.high), ...withPeriod(timing.highPeriods), ComparisonOperator: 'GreaterThanThreshold', Threshold: target },
  ];
  if (!policy.config.DisableScaleIn) {
    alarms.push({ AlarmName: alarmName(policy.ResourceId, 'Low', uuids.low), ...withPeriod(timing.lowPeriods), ComparisonOperator: 'LessThanThreshold', Threshold: round(target * LOW_SHARE) });
  }
  return alarms;
}

export const alarmName = (resourceId: string, which: 'High' | 'Low', uuid: string) => `TargetTracking-${resourceId}-Alarm${which}-${uuidOf(uuid)}`;

/** Whether an alarm of a target-tracking policy is its high one (scale out) or its low one. */
export const isHighAlarm = (name: string) => /-AlarmHigh-[0-9a-f-]{36}$/.test(name);

const round = (n: number) => Math.round(n * 1e6) / 1e6;
