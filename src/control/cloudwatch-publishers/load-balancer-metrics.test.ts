import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricSample } from '../../core/cloudwatch.js';
import type { TrafficCounters } from '../../core/load-balancer.js';
import { parseShowStat, trafficCounters } from '../../lb/haproxy-runtime.js';
import { loadBalancerDimension, loadBalancerSamples, targetGroupDimension } from './load-balancer-metrics.js';

const ALB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
const NLB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp/60dc6c495c0c9188';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067';
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const FLOWS = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/tcp/60dc6c495c0c9188/a2f7dc8efc522ab2';

const counters = (over: Partial<TrafficCounters>): TrafficCounters => ({
  requests: 0, responses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, connections: 0, activeConnections: 0, bytesIn: 0, bytesOut: 0, averageResponseMs: 0, ...over,
});

test('HAProxy stat rows become traffic counters', () => {
  const [row] = parseShowStat('# pxname,svname,scur,stot,bin,bout,req_tot,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,rtime\ntg_x,BACKEND,2,40,100,900,38,30,1,5,2,12\n');
  assert.deepEqual(trafficCounters(row!), counters({ requests: 38, responses: { '2xx': 30, '3xx': 1, '4xx': 5, '5xx': 2 }, connections: 40, activeConnections: 2, bytesIn: 100, bytesOut: 900, averageResponseMs: 12 }));
});

test('ALB and NLB metrics by load balancer and target group, per target over the healthy ones', () => {
  const records: Record<string, Record<string, unknown>[]> = {
    listener: [{ ListenerArn: LISTENER, LoadBalancerArn: ALB, DefaultActions: [{ Type: 'forward', TargetGroupArn: TG }] }, { ListenerArn: FLOWS, LoadBalancerArn: NLB, DefaultActions: [] }],
    loadBalancer: [{ LoadBalancerArn: ALB, Type: 'application' }, { LoadBalancerArn: NLB, Type: 'network' }],
    targetGroup: [{ TargetGroupArn: TG, targets: [{ health: { State: 'healthy' } }, { health: { State: 'healthy' } }, { health: { State: 'unhealthy' } }] }],
    rule: [],
  };
  const key: Record<string, string> = { listener: 'ListenerArn', loadBalancer: 'LoadBalancerArn', targetGroup: 'TargetGroupArn' };
  const state = {
    all: (kind: string) => records[kind] ?? [],
    get: (kind: string, id: string) => records[kind]?.find((r) => r[key[kind]!] === id),
  } as never;
  const samples = loadBalancerSamples(
    state,
    {
      frontends: new Map([
        ['f2f7dc8efc522ab2', counters({ requests: 40, connections: 10, activeConnections: 3 })],
        ['a2f7dc8efc522ab2', counters({ connections: 7, activeConnections: 4, bytesIn: 10, bytesOut: 20 })],
      ]),
      backends: new Map([['73e2d6bc24d8a067', counters({ requests: 40, responses: { '2xx': 39, '3xx': 0, '4xx': 0, '5xx': 1 }, averageResponseMs: 25 })]]),
    },
    new Date(0),
  );
  const value = (ns: string, name: string, dims: Record<string, string>) =>
    samples.find((s: MetricSample) => s.metric.Namespace === ns && s.metric.MetricName === name && s.metric.Dimensions.length === Object.keys(dims).length && s.metric.Dimensions.every((d) => dims[d.Name] === d.Value))?.statistics.Sum;
  const lb = loadBalancerDimension(ALB);
  const tg = targetGroupDimension(TG);
  assert.equal(lb, 'app/web/50dc6c495c0c9188');
  assert.equal(tg, 'targetgroup/web/73e2d6bc24d8a067');
  assert.equal(value('AWS/ApplicationELB', 'RequestCount', { LoadBalancer: lb }), 40);
  assert.equal(value('AWS/ApplicationELB', 'RequestCountPerTarget', { TargetGroup: tg }), 20);
  assert.equal(value('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { TargetGroup: tg, LoadBalancer: lb }), 1);
  assert.equal(value('AWS/ApplicationELB', 'TargetResponseTime', { TargetGroup: tg, LoadBalancer: lb }), 0.025);
  assert.equal(value('AWS/ApplicationELB', 'HealthyHostCount', { TargetGroup: tg, LoadBalancer: lb }), 2);
  assert.equal(value('AWS/ApplicationELB', 'UnHealthyHostCount', { TargetGroup: tg, LoadBalancer: lb }), 1);
  assert.equal(value('AWS/NetworkELB', 'ActiveFlowCount', { LoadBalancer: 'net/tcp/60dc6c495c0c9188' }), 4);
  assert.equal(value('AWS/NetworkELB', 'ProcessedBytes', { LoadBalancer: 'net/tcp/60dc6c495c0c9188' }), 30);
});
