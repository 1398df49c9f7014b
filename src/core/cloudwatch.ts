// CloudWatch metrics and alarms: what a metric is, the MetricStore port through which its datapoints are
// written and read (decision 0002: datapoints are bulk data, never State records), and the alarm records.
//
// Who writes what:
// - Any service that publishes metrics (ECS's agents' container stats as AWS/ECS and ECS/ContainerInsights,
//   the load balancers' data plane as AWS/ApplicationELB...) calls `ctx.metrics.put(ctx.partition, samples)`
//   directly, as PutMetricData does: same validation-free path, so callers pass well-formed samples
//   (dimensions at most 30, names within CloudWatch's limits).
// - Alarms are records (`metricAlarm`, `compositeAlarm`, keyed by AlarmName in their region) whose members are
//   CloudWatch's own MetricAlarm/CompositeAlarm shapes. CloudWatch's alarm controller evaluates them on
//   ctx.clock and writes StateValue/StateReason/StateReasonData/StateUpdatedTimestamp.
// - Alarm actions: the alarm record's state IS the action's trigger. A service reacting to alarms (Application
//   Auto Scaling: its policy ARNs in AlarmActions/OKActions) subscribes to State changes of `metricAlarm`
//   records and acts while an alarm whose actions are enabled (ActionsEnabled) is in the state whose action
//   list names it, as AWS re-invokes scaling actions every minute while an alarm stays in ALARM. CloudWatch
//   itself invokes nothing.
import type { Partition } from './arn.js';

export interface Dimension {
  Name: string;
  Value: string;
}

/** A metric: namespace, name and dimensions (order does not matter; `metricKey` sorts them by name). */
export interface MetricIdentity {
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
}

export const STANDARD_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits',
  'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second',
  'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second',
  'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;
export type StandardUnit = (typeof STANDARD_UNITS)[number];

/** The aggregate CloudWatch keeps for a period: a statistic set. */
export interface StatisticSet {
  SampleCount: number;
  Sum: number;
  Minimum: number;
  Maximum: number;
}

/**
 * Values observed, as (value, count) pairs: what percentiles are computed from. Exact for what one call
 * gives (PutMetricData's Values/Counts); merged periods keep at most `HISTOGRAM_BUCKETS` pairs, beyond which
 * values fall into log-scale buckets 1% wide (CloudWatch's own percentiles are approximations too).
 */
export type ValueHistogram = [value: number, count: number][];

/** One datapoint as it is stored: a metric at a time, with its statistic set and, when known, its values. */
export interface MetricSample {
  metric: MetricIdentity;
  timestamp: Date;
  /** 1 (high resolution: kept per second for 3 hours) or 60 (standard: kept per minute). */
  storageResolution: 1 | 60;
  unit?: StandardUnit;
  statistics: StatisticSet;
  /** Absent for statistic sets (PutMetricData's StatisticValues): their percentiles are not known. */
  values?: ValueHistogram;
}

/** What a period of a metric aggregates to, for GetMetricStatistics / GetMetricData / alarms. */
export interface PeriodAggregate {
  /** The start of the period. */
  timestamp: Date;
  statistics: StatisticSet;
  unit?: StandardUnit;
  /** Present when percentiles were asked for and every sample of the period had values. */
  values?: ValueHistogram;
}

export interface MetricQuery {
  metric: MetricIdentity;
  /** Inclusive start, exclusive end. */
  startTime: Date;
  endTime: Date;
  /** Seconds: 1, 5, 10, 30 or a multiple of 60. */
  period: number;
  /** Only datapoints stored with this unit. */
  unit?: StandardUnit;
  /** Merge value histograms too (percentiles, trimmed means); costs more. */
  withValues?: boolean;
}

export interface ListMetricsFilter {
  Namespace?: string;
  MetricName?: string;
  /** Each must be present; with no Value, any value. */
  Dimensions?: { Name: string; Value?: string }[];
  /** Only metrics with a datapoint at or after this time (ListMetrics: the past 2 weeks, or RecentlyActive PT3H). */
  activeSince?: Date;
}

/** The newest datapoint of a metric (Prometheus' exposition). */
export interface LatestSample {
  metric: MetricIdentity;
  timestamp: Date;
  statistics: StatisticSet;
  unit?: StandardUnit;
}

export interface AlarmHistoryItem {
  AlarmName: string;
  AlarmType: 'MetricAlarm' | 'CompositeAlarm';
  Timestamp: Date;
  HistoryItemType: 'ConfigurationUpdate' | 'StateUpdate' | 'Action';
  HistorySummary: string;
  HistoryData: string;
}

export interface AlarmHistoryQuery {
  AlarmName?: string;
  AlarmTypes?: ('MetricAlarm' | 'CompositeAlarm')[];
  HistoryItemType?: AlarmHistoryItem['HistoryItemType'];
  StartDate?: Date;
  EndDate?: Date;
  /** Newest first unless 'TimestampAscending'. */
  ScanBy?: 'TimestampDescending' | 'TimestampAscending';
  /** Items to skip (NextToken's offset) and at most how many to give. */
  offset: number;
  limit: number;
}

/**
 * Metric datapoints and alarm history, per partition (account and region). Writes commit on their own, as a
 * PutMetricData is durable when it answers. SQLite by default (`SqliteMetricStore`, metrics.db).
 *
 * Retention follows CloudWatch: data at 1-s resolution is kept 3 hours, then as 1-minute aggregates for
 * 15 days, 5-minute ones for 63 days and 1-hour ones for 455 days; `age(now)` (run by CloudWatch's
 * controller) rolls data up and drops what is older, so the store never grows without bound.
 */
export interface MetricStore {
  /** Stores samples (all or none). Standard-resolution samples in the same minute merge into one. */
  put(partition: Partition, samples: MetricSample[]): Promise<void>;
  /** One aggregate per period that has data, oldest first. */
  read(partition: Partition, query: MetricQuery): Promise<PeriodAggregate[]>;
  /**
   * One statistic (Average, p99...) per period that has a finite value, by the period's start (ms), oldest
   * first: what metric queries and alarms read, without the periods' aggregates (`withValues` is ignored).
   */
  readStatistic(partition: Partition, query: MetricQuery, statistic: string): Promise<Map<number, number>>;
  /** Metrics with data, filtered; sorted by namespace, name, then dimensions. */
  list(partition: Partition, filter: ListMetricsFilter): Promise<MetricIdentity[]>;
  /** Each metric's newest datapoint, for metrics active since `since` (every partition's when none is given). */
  latest(since: Date, partition?: Partition): Promise<(LatestSample & { partition: Partition })[]>;
  /** Appends alarm history items (kept 30 days). */
  appendHistory(partition: Partition, items: AlarmHistoryItem[]): Promise<void>;
  readHistory(partition: Partition, query: AlarmHistoryQuery): Promise<AlarmHistoryItem[]>;
  /** Drops every datapoint and history item, of one partition or of all (Wharf's reset). */
  clear(partition?: Partition): Promise<void>;
  /** Rolls data up to coarser resolutions and drops what is past retention, as of `now`. */
  age(now: Date): Promise<void>;
  close(): Promise<void>;
}

/** How long each resolution is kept (seconds of resolution -> milliseconds of age), CloudWatch's table. */
export const RETENTION: readonly { resolution: number; keptMs: number; next?: number }[] = [
  { resolution: 1, keptMs: 3 * 3600_000, next: 60 },
  { resolution: 60, keptMs: 15 * 86400_000, next: 300 },
  { resolution: 300, keptMs: 63 * 86400_000, next: 3600 },
  { resolution: 3600, keptMs: 455 * 86400_000 },
];

/** Alarm history is kept 30 days. */
export const HISTORY_RETENTION_MS = 30 * 86400_000;

/** A metric's identity as one string: dimensions sorted by name (CloudWatch treats them as a set). */
export function metricKey(metric: MetricIdentity): string {
  const dimensions = [...metric.Dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return JSON.stringify([metric.Namespace, metric.MetricName, dimensions.map((d) => [d.Name, d.Value])]);
}

// ---- Alarms ----------------------------------------------------------------------------------------------

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold'
  | 'LessThanLowerOrGreaterThanUpperThreshold'
  | 'LessThanLowerThreshold'
  | 'GreaterThanUpperThreshold';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

export interface MetricDataQuery {
  Id: string;
  MetricStat?: { Metric: MetricIdentity; Period: number; Stat: string; Unit?: StandardUnit };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
  AccountId?: string;
}

interface AlarmCommon {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  AlarmConfigurationUpdatedTimestamp: Date;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  StateValue: AlarmState;
  StateReason: string;
  StateReasonData?: string;
  StateUpdatedTimestamp: Date;
  StateTransitionedTimestamp: Date;
  /** Not a member of the wire shape: ListTagsForResource's. */
  Tags: { Key: string; Value: string }[];
}

/** PutMetricAlarm's alarm, as DescribeAlarms shows it (MetricAlarm), one of a single metric or of metric math. */
export interface MetricAlarmRecord extends AlarmCommon {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: Dimension[];
  Period?: number;
  Unit?: StandardUnit;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: TreatMissingData;
  EvaluateLowSampleCountPercentile?: 'evaluate' | 'ignore';
  /** Metric math alarms: the queries, exactly one with ReturnData true (the alarm's series). */
  Metrics?: MetricDataQuery[];
  /** Anomaly-band alarms: the id of the ANOMALY_DETECTION_BAND query. */
  ThresholdMetricId?: string;
}

/** PutCompositeAlarm's alarm (CompositeAlarm): a rule over other alarms' states. */
export interface CompositeAlarmRecord extends AlarmCommon {
  AlarmRule: string;
  ActionsSuppressor?: string;
  ActionsSuppressorWaitPeriod?: number;
  ActionsSuppressorExtensionPeriod?: number;
}

declare module './records.js' {
  interface RecordKinds {
    metricAlarm: MetricAlarmRecord;
    compositeAlarm: CompositeAlarmRecord;
  }
}
