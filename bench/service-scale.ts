// Scale: a service of 10,000 tasks on 1,000 hollow container instances, from CreateService to all RUNNING
// (what `aws ecs wait services-stable` checks) and to the steady state (the deployment COMPLETED), with the
// control plane's peak RSS. Goal: under 20 s and under 1 GB. For scale: Nomad placed a million containers on
// 5,000 hosts at 3,750/s; Kubernetes' scheduler tests require 570-810 pods/s on 5,000 nodes.
import { CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { benchWharf, benchmark, table } from './lib.js';
import { hollowFleet, peakRssMiB } from './hollow-fleet.js';
import { eventually } from '../test/wharf-process.js';

export async function serviceScaleBenchmark(tasks = 10_000, instances = 1_000) {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'warn' } });
  const ecs = wharf.ecs();
  const cluster = 'scale';
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const fleet = await hollowFleet(wharf, cluster, instances);
  try {
    // A health check makes a task healthy as soon as its (hollow) check passes, rather than 40 s after it runs.
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'scale',
      containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', cpu: 64, memory: 64, healthCheck: { command: ['CMD-SHELL', 'true'] } }],
    }));
    const rssBefore = await peakRssMiB(wharf.pid());
    const t0 = performance.now();
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'scale', taskDefinition: 'scale', desiredCount: tasks }));
    let allRunning = 0;
    await eventually(async () => {
      const { services: [s] = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['scale'] }));
      if (!allRunning && s?.runningCount === tasks) allRunning = performance.now() - t0;
      return allRunning && s?.deployments?.length === 1 && s.deployments[0]!.rolloutState === 'COMPLETED' ? true : undefined;
    }, `${tasks} tasks steady`, 600_000);
    const steady = performance.now() - t0;
    const rss = await peakRssMiB(wharf.pid());
    console.log(`\nService scale: ${tasks} tasks on ${instances} hollow container instances`);
    table([
      { measure: 'CreateService -> all RUNNING (services-stable)', value: `${(allRunning / 1000).toFixed(1)} s`, goal: '< 20 s' },
      { measure: 'CreateService -> deployment COMPLETED', value: `${(steady / 1000).toFixed(1)} s`, goal: '< 20 s' },
      { measure: 'tasks RUNNING per second', value: `${Math.round(tasks / (allRunning / 1000))}/s`, goal: 'k8s 570-810 pods/s' },
      { measure: 'control plane peak RSS', value: `${rss.toFixed(0)} MiB (${rssBefore.toFixed(0)} MiB before)`, goal: '< 1024 MiB' },
    ]);
    await ecs.send(new DeleteServiceCommand({ cluster, service: 'scale', force: true }));
    await eventually(async () => {
      const { services: [s] = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['scale'] }));
      return s?.status === 'INACTIVE' ? true : undefined;
    }, 'the service INACTIVE', 300_000);
  } finally {
    await fleet.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(serviceScaleBenchmark);
