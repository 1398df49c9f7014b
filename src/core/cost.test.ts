import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { cheapestEc2, costReport, fargateTaskCost, instanceHourPrice, type PriceTable } from './cost.js';
import type { InstanceUsageRecord } from './ec2-instances.js';
import type { UsageRecord } from './usage.js';

let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const prices = JSON.parse(readFileSync(join(root, 'data', 'prices-us-east-1.json'), 'utf8')) as PriceTable;

const usage = (over: Partial<UsageRecord> & { start: string; stop: string }): UsageRecord => {
  const { start, stop, ...rest } = over;
  const billingStartedAt = new Date(start);
  const billingStoppedAt = new Date(stop);
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${Math.random().toString(16).slice(2)}`,
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
    launchType: 'FARGATE',
    family: 'web',
    group: 'service:web',
    cpuArchitecture: 'x86_64',
    billingStartedAt,
    billingStoppedAt,
    billedSeconds: Math.max(60, Math.ceil((billingStoppedAt.getTime() - billingStartedAt.getTime()) / 1000)),
    vcpu: 0.25,
    memoryGB: 0.5,
    extraEphemeralStorageGB: 0,
    ...rest,
  };
};

test('Fargate per second from pull to stop at the published prices, spot and ARM at theirs, storage beyond 20 GB', () => {
  // 1 vCPU, 2 GB for exactly one hour, x86: 0.04048 + 2 x 0.004445 = 0.04937.
  const hour = usage({ start: '2026-12-01T00:00:00Z', stop: '2026-12-01T01:00:00Z', vcpu: 1, memoryGB: 2 });
  assert.equal(fargateTaskCost(hour, prices).toFixed(6), '0.049370');
  // A ten-second task is billed a minute: 0.25 x 0.04048 / 60 + 0.5 x 0.004445 / 60.
  const short = usage({ start: '2026-12-01T00:00:00Z', stop: '2026-12-01T00:00:10Z' });
  assert.equal(short.billedSeconds, 60);
  assert.equal(fargateTaskCost(short, prices).toFixed(8), ((0.25 * 0.04048 + 0.5 * 0.004445) / 60).toFixed(8));
  const spot = usage({ start: '2026-12-01T00:00:00Z', stop: '2026-12-01T01:00:00Z', vcpu: 1, memoryGB: 2, capacityProviderName: 'FARGATE_SPOT' });
  assert.equal(fargateTaskCost(spot, prices).toFixed(5), (0.0127 + 2 * 0.00139).toFixed(5));
  const arm = usage({ start: '2026-12-01T00:00:00Z', stop: '2026-12-01T01:00:00Z', vcpu: 1, memoryGB: 2, cpuArchitecture: 'ARM64', extraEphemeralStorageGB: 30 });
  assert.equal(fargateTaskCost(arm, prices).toFixed(6), (0.03238 + 2 * 0.00356 + 30 * 0.000111).toFixed(6));
});

test('a report by service, family, cluster or provider over a range, with the EC2 alternative', () => {
  const usages = [
    usage({ start: '2026-12-01T00:00:00Z', stop: '2026-12-01T02:00:00Z', vcpu: 1, memoryGB: 2 }),
    usage({ start: '2026-12-01T00:00:00Z', stop: '2026-12-01T02:00:00Z', vcpu: 1, memoryGB: 2, capacityProviderName: 'FARGATE_SPOT' }),
    usage({ start: '2026-12-01T00:30:00Z', stop: '2026-12-01T00:31:00Z', group: 'family:batch', family: 'batch' }),
    usage({ start: '2026-11-01T00:00:00Z', stop: '2026-11-01T01:00:00Z' }),
  ];
  const range = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') };
  const byService = costReport(usages, prices, { ...range, by: 'service' });
  assert.deepEqual(byService.lines.map((l) => [l.key, l.tasks]), [['web', 2], ['-', 1]]);
  assert.equal(byService.lines[0]!.cost.toFixed(5), (2 * 0.04937 + 2 * (0.0127 + 2 * 0.00139)).toFixed(5));
  assert.equal(byService.total.toFixed(6), byService.lines.reduce((n, l) => n + l.cost, 0).toFixed(6));
  assert.deepEqual(costReport(usages, prices, { ...range, by: 'launchType' }).lines.map((l) => l.key).sort(), ['FARGATE', 'FARGATE_SPOT']);
  assert.deepEqual(costReport(usages, prices, { ...range, by: 'family' }).lines.map((l) => l.key), ['web', 'batch']);
  // At their peak the three run together (1 vCPU/2 GB twice, 0.25/0.5 once). The cheapest single type that holds
  // them for the two hours: three t3.small (2 vCPU, 2 GiB: one task each) at 0.0208 an hour, 0.1248 in all,
  // against two t3.medium (0.1664) or one t3.xlarge (0.3328).
  assert.deepEqual(byService.onEc2, { instanceType: 't3.small', instances: 3, hours: 2, cost: 3 * 0.0208 * 2 });
  assert.equal(cheapestEc2([], prices), undefined);
});

test('EC2 instances per instance-hour of their type; Spot ones at the Spot discount of the table for their family', () => {
  // m5.large on demand 0.096 an hour; Spot at the shipped 70 % discount: 0.0288.
  assert.equal(instanceHourPrice(prices, 'm5.large', false), 0.096);
  assert.equal(instanceHourPrice(prices, 'm5.large', true)!.toFixed(6), '0.028800');
  const byFamily: PriceTable = { ...prices, ec2SpotDiscount: { default: 0.7, m5: 0.5 } };
  assert.equal(instanceHourPrice(byFamily, 'm5.large', true), 0.048);
  assert.equal(instanceHourPrice({ ...prices, ec2SpotDiscount: undefined }, 'm5.large', true), 0.096, 'no discount table: Spot at on-demand');
  assert.equal(instanceHourPrice(prices, 'x9.huge', true), undefined);

  const run = (spot: boolean, start: string, stop: string, running?: boolean): InstanceUsageRecord => ({
    instanceId: `i-${Math.random().toString(16).slice(2, 19)}`,
    instanceType: 'm5.large',
    spot,
    billingStartedAt: new Date(start),
    billingStoppedAt: new Date(stop),
    billedSeconds: (new Date(stop).getTime() - new Date(start).getTime()) / 1000,
    ...(running && { running }),
  });
  const report = costReport([], prices, { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-01T03:00:00Z'), by: 'cluster' }, [
    run(false, '2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z'),
    run(true, '2026-12-01T00:00:00Z', '2026-12-01T02:00:00Z'),
    // Still running, billed up to the report's time: counted though its stop is not before the range's end.
    run(true, '2026-12-01T02:00:00Z', '2026-12-01T03:00:00Z', true),
  ]);
  assert.deepEqual(
    report.instances!.map((l) => [l.instanceType, l.market, l.runs, l.running, l.hours, l.cost.toFixed(6)]),
    [
      ['m5.large', 'on-demand', 1, 0, 1, '0.096000'],
      ['m5.large', 'spot', 2, 1, 3, '0.086400'],
    ],
  );
});

test('tasks still running count up to the time of the report, those starting after its end do not', () => {
  const range = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-01T02:00:00Z'), by: 'service' as const };
  const open = usage({ start: '2026-12-01T01:00:00Z', stop: '2026-12-01T02:00:00Z', vcpu: 1, memoryGB: 2, running: true });
  const later = usage({ start: '2026-12-01T02:30:00Z', stop: '2026-12-01T02:31:00Z', running: true });
  const report = costReport([open, later], prices, range);
  assert.deepEqual(report.lines.map((l) => [l.key, l.tasks, l.running, l.cost.toFixed(6)]), [['web', 1, 1, '0.049370']]);
});
