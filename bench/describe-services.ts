// DescribeServices with 1,000 services in a cluster (one task each, on 100 hollow container instances):
// latency of describing ten of them at a time through the SDK, one caller and sixteen. Goal: p99 under 20 ms.
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { benchWharf, benchmark, load, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';
import { hollowFleet } from './hollow-fleet.js';
import { eventually } from '../test/wharf-process.js';

export async function describeServicesBenchmark(services = 1_000, instances = 100): Promise<ReadmeRow[]> {
  // No drain at the end: its services would only replace what a drain stops, and nothing real runs.
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'warn' } }, { drain: false });
  const ecs = wharf.ecs();
  const cluster = 'describe';
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const fleet = await hollowFleet(wharf, cluster, instances);
  try {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'describe',
      containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', cpu: 16, memory: 16, healthCheck: { command: ['CMD-SHELL', 'true'] } }],
    }));
    const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((serviceName) => ecs.send(new CreateServiceCommand({ cluster, serviceName, taskDefinition: 'describe', desiredCount: 1 }))));
    }
    // Measured once every service runs its task, so each description carries a deployment, counts and events.
    await eventually(async () => {
      const { services: described = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: names.slice(-10) }));
      return described.every((s) => s.runningCount === 1) ? true : undefined;
    }, 'every service running', 300_000);
    const pick = () => Array.from({ length: 10 }, () => names[Math.floor(Math.random() * names.length)]!);
    const call = () => ecs.send(new DescribeServicesCommand({ cluster, services: pick() }));
    await load(call, { concurrency: 16, seconds: 1 });
    // One caller measures a call's latency; sixteen measure what the server sustains (and queueing).
    const rows = [];
    const figures = [];
    for (const concurrency of [1, 16]) {
      const r = await load(call, { concurrency, seconds: 5 });
      figures.push(r);
      rows.push({ concurrency, calls: r.requests, errors: r.errors, 'per second': Math.round(r.perSecond), 'p50 ms': r.p50, 'p99 ms': r.p99, 'goal p99': concurrency === 1 ? '< 20 ms' : '' });
    }
    console.log(`\nDescribeServices of 10 services, ${services} services in the cluster (SDK)`);
    table(rows);
    return figures.map((r, i) => ({
      benchmark: `DescribeServices (10 of ${fmt.n(services)}), p50 / p99, ${i === 0 ? 'one caller' : '16 callers'}`,
      wharf: `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} ms (${fmt.n(r.perSecond)} per s)`,
      peer: '',
      ratio: '',
      goal: i === 0 ? 'p99 < 20 ms' : 'p99 < 10 ms',
    }));
  } finally {
    await fleet.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(describeServicesBenchmark);
