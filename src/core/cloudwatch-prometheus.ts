// CloudWatch's latest datapoints in Prometheus' text exposition format (0.0.4), for `GET /metrics`: one
// gauge family per namespace, metric and statistic, named as prometheus/cloudwatch_exporter names them
// (`aws_ecs_cpu_utilization_average`), with the metric's dimensions as snake_case labels plus `region`,
// and the datapoint's own timestamp. Names and label values are encoded here and nowhere else.
import type { LatestSample, StatisticSet } from './cloudwatch.js';
import type { Partition } from './arn.js';

const STATISTICS: [suffix: string, of: (s: StatisticSet) => number][] = [
  ['average', (s) => (s.SampleCount === 0 ? 0 : s.Sum / s.SampleCount)],
  ['sum', (s) => s.Sum],
  ['minimum', (s) => s.Minimum],
  ['maximum', (s) => s.Maximum],
  ['sample_count', (s) => s.SampleCount],
];

/** `AWS/ECS` + `CPUUtilization` -> `aws_ecs_cpu_utilization`; `ClusterName` -> `cluster_name`. */
export function snakeName(name: string): string {
  const snake = name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  return /^[0-9]/.test(snake) ? `_${snake}` : snake || '_';
}

/** A label value: backslash, double quote and line feed escaped. */
export const labelValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const number = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

export function prometheusExposition(samples: readonly (LatestSample & { partition: Partition })[]): string {
  const families = new Map<string, { help: string; lines: string[] }>();
  const sorted = [...samples].sort((a, b) => (a.metric.Namespace + a.metric.MetricName < b.metric.Namespace + b.metric.MetricName ? -1 : 1));
  for (const { metric, partition, statistics, timestamp, unit } of sorted) {
    const base = `${snakeName(metric.Namespace)}_${snakeName(metric.MetricName)}`;
    const labels = new Map<string, string>();
    for (const d of metric.Dimensions) labels.set(snakeName(d.Name), d.Value);
    labels.set('region', partition.region);
    const rendered = [...labels].map(([k, v]) => `${k}="${labelValue(v)}"`).join(',');
    for (const [suffix, of] of STATISTICS) {
      const name = `${base}_${suffix}`;
      let family = families.get(name);
      if (!family) families.set(name, (family = { help: `CloudWatch ${metric.Namespace} ${metric.MetricName} (${suffix}${unit ? `, ${unit}` : ''}), latest datapoint`, lines: [] }));
      family.lines.push(`${name}{${rendered}} ${number(of(statistics))} ${timestamp.getTime()}`);
    }
  }
  return [...families]
    .map(([name, { help, lines }]) => `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} gauge\n${lines.join('\n')}\n`)
    .join('');
}
