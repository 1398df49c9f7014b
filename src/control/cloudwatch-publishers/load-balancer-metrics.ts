// Load balancer metrics, as ELBv2 publishes them to CloudWatch, from the data plane's traffic counters
// (HAProxy's `show stat`), every 10 s as high-resolution datapoints: what each listener and target group
// carried since the previous round.
// - AWS/ApplicationELB per LoadBalancer: RequestCount, ActiveConnectionCount, NewConnectionCount,
//   ProcessedBytes; per TargetGroup+LoadBalancer: RequestCount, HTTPCode_Target_2XX..5XX_Count,
//   TargetResponseTime (seconds), HealthyHostCount, UnHealthyHostCount; RequestCountPerTarget per
//   TargetGroup (and TargetGroup+LoadBalancer): requests over the healthy targets, as ALBRequestCountPerTarget
//   scaling reads it.
// - AWS/NetworkELB per LoadBalancer: ActiveFlowCount, NewFlowCount, ProcessedBytes; per TargetGroup+
//   LoadBalancer: HealthyHostCount, UnHealthyHostCount.
import { lastSegment } from '../../core/arn.js';
import type { Dimension, MetricSample, StandardUnit } from '../../core/cloudwatch.js';
import type { LoadBalancerRecord, TargetGroupRecord } from '../../core/elbv2.js';
import type { DataPlaneTraffic, TrafficCounters } from '../../core/load-balancer.js';
import type { ControlContext } from '../context.js';
import { loadBalancersOf } from '../elbv2/lookups.js';
import { periodStart } from '../ecs/container-metrics.js';
import { every } from '../runner.js';
import type { State } from '../state.js';

export const LOAD_BALANCER_METRICS_INTERVAL_MS = 10_000;

/** `app/<name>/<id>` or `net/<name>/<id>`: the LoadBalancer dimension (the ARN after `loadbalancer/`). */
export const loadBalancerDimension = (arn: string) => arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
/** `targetgroup/<name>/<id>`: the TargetGroup dimension. */
export const targetGroupDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/** Counter increases between two readings (a restarted engine counts from zero again). */
function delta(now: TrafficCounters, before: TrafficCounters | undefined): TrafficCounters {
  const d = (a: number, b: number | undefined) => (b === undefined || a < b ? a : a - b);
  return {
    requests: d(now.requests, before?.requests),
    responses: {
      '2xx': d(now.responses['2xx'], before?.responses['2xx']),
      '3xx': d(now.responses['3xx'], before?.responses['3xx']),
      '4xx': d(now.responses['4xx'], before?.responses['4xx']),
      '5xx': d(now.responses['5xx'], before?.responses['5xx']),
    },
    connections: d(now.connections, before?.connections),
    activeConnections: now.activeConnections,
    bytesIn: d(now.bytesIn, before?.bytesIn),
    bytesOut: d(now.bytesOut, before?.bytesOut),
    averageResponseMs: now.averageResponseMs,
  };
}

const sample = (namespace: string, name: string, dimensions: Dimension[], at: Date, unit: StandardUnit, value: number): MetricSample => ({
  metric: { Namespace: namespace, MetricName: name, Dimensions: dimensions },
  timestamp: at,
  storageResolution: 1,
  unit,
  statistics: { SampleCount: 1, Sum: value, Minimum: value, Maximum: value },
});

/** The datapoints of one round from what each listener and target group carried since the last. */
export function loadBalancerSamples(state: Pick<State, 'all' | 'get'>, carried: DataPlaneTraffic, at: Date): MetricSample[] {
  const out: MetricSample[] = [];
  const namespaceOf = (lb: LoadBalancerRecord) => (lb.Type === 'application' ? 'AWS/ApplicationELB' : 'AWS/NetworkELB');
  const byLoadBalancer = new Map<string, TrafficCounters[]>();
  for (const listener of state.all('listener')) {
    const counters = carried.frontends.get(lastSegment(listener.ListenerArn));
    if (counters) byLoadBalancer.set(listener.LoadBalancerArn, [...(byLoadBalancer.get(listener.LoadBalancerArn) ?? []), counters]);
  }
  for (const [arn, frontends] of byLoadBalancer) {
    const lb = state.get('loadBalancer', arn);
    if (!lb) continue;
    const dims = [{ Name: 'LoadBalancer', Value: loadBalancerDimension(arn) }];
    const total = (f: (c: TrafficCounters) => number) => frontends.reduce((s, c) => s + f(c), 0);
    const ns = namespaceOf(lb);
    const bytes = total((c) => c.bytesIn + c.bytesOut);
    if (lb.Type === 'application') {
      out.push(
        sample(ns, 'RequestCount', dims, at, 'Count', total((c) => c.requests)),
        sample(ns, 'ActiveConnectionCount', dims, at, 'Count', total((c) => c.activeConnections)),
        sample(ns, 'NewConnectionCount', dims, at, 'Count', total((c) => c.connections)),
        sample(ns, 'ProcessedBytes', dims, at, 'Bytes', bytes),
      );
    } else {
      out.push(
        sample(ns, 'ActiveFlowCount', dims, at, 'Count', total((c) => c.activeConnections)),
        sample(ns, 'NewFlowCount', dims, at, 'Count', total((c) => c.connections)),
        sample(ns, 'ProcessedBytes', dims, at, 'Bytes', bytes),
      );
    }
  }
  for (const tg of state.all('targetGroup')) out.push(...targetGroupSamples(state, tg, carried.backends.get(lastSegment(tg.TargetGroupArn)), at));
  return out;
}

function targetGroupSamples(state: Pick<State, 'all' | 'get'>, tg: TargetGroupRecord, counters: TrafficCounters | undefined, at: Date): MetricSample[] {
  const out: MetricSample[] = [];
  const healthy = tg.targets.filter((t) => t.health?.State === 'healthy').length;
  const unhealthy = tg.targets.filter((t) => t.health?.State === 'unhealthy').length;
  const group = { Name: 'TargetGroup', Value: targetGroupDimension(tg.TargetGroupArn) };
  for (const lbArn of loadBalancersOf(state, tg.TargetGroupArn)) {
    const lb = state.get('loadBalancer', lbArn);
    if (!lb) continue;
    const ns = lb.Type === 'application' ? 'AWS/ApplicationELB' : 'AWS/NetworkELB';
    const dims = [group, { Name: 'LoadBalancer', Value: loadBalancerDimension(lbArn) }];
    out.push(sample(ns, 'HealthyHostCount', dims, at, 'Count', healthy), sample(ns, 'UnHealthyHostCount', dims, at, 'Count', unhealthy));
    if (lb.Type !== 'application' || !counters) continue;
    const perTarget = healthy > 0 ? counters.requests / healthy : counters.requests;
    out.push(
      sample(ns, 'RequestCount', dims, at, 'Count', counters.requests),
      sample(ns, 'RequestCountPerTarget', dims, at, 'Count', perTarget),
      sample(ns, 'RequestCountPerTarget', [group], at, 'Count', perTarget),
      sample(ns, 'HTTPCode_Target_2XX_Count', dims, at, 'Count', counters.responses['2xx']),
      sample(ns, 'HTTPCode_Target_3XX_Count', dims, at, 'Count', counters.responses['3xx']),
      sample(ns, 'HTTPCode_Target_4XX_Count', dims, at, 'Count', counters.responses['4xx']),
      sample(ns, 'HTTPCode_Target_5XX_Count', dims, at, 'Count', counters.responses['5xx']),
    );
    if (counters.requests > 0) out.push(sample(ns, 'TargetResponseTime', dims, at, 'Seconds', counters.averageResponseMs / 1000));
  }
  return out;
}

/** Publishes the region's load balancer metrics every 10 s until `signal` aborts. */
export function runLoadBalancerMetrics(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  let previous: DataPlaneTraffic | undefined;
  return every(ctx, 'load balancer metrics', LOAD_BALANCER_METRICS_INTERVAL_MS, signal, async () => {
    const dataPlane = ctx.loadBalancers?.dataPlane;
    if (!dataPlane?.traffic || !ctx.metrics) return;
    const now = await dataPlane.traffic();
    const carried: DataPlaneTraffic = {
      frontends: new Map([...now.frontends].map(([id, c]) => [id, delta(c, previous?.frontends.get(id))])),
      backends: new Map([...now.backends].map(([id, c]) => [id, delta(c, previous?.backends.get(id))])),
    };
    // The first round only takes the engine's counters as a baseline.
    const first = previous === undefined;
    previous = now;
    if (first) return;
    const samples = loadBalancerSamples(ctx.state, carried, periodStart(ctx.clock.now()));
    if (samples.length) await ctx.metrics.put(ctx.partition, samples);
  });
}
