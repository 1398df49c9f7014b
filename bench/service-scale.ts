// Scale: a service of 10,000 tasks on 1,000 hollow container instances, from CreateService to all RUNNING
// (what `aws ecs wait services-stable` checks) and to the steady state (the deployment COMPLETED), with the
// control plane's peak RSS and CPU. Goal (issue 16): under 5 s and under 512 MiB. `fleet-curve` repeats it
// at 1,000, 2,000 and 5,000 instances (ten tasks each) and prints the cost against size. For scale: Nomad placed a million containers on
// 5,000 hosts at 3,750/s; Kubernetes' scheduler tests require 570-810 pods/s on 5,000 nodes.
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { loadavg } from 'node:os';
import { benchWharf, benchmark, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';
import { cpuMs, hollowFleet, peakRssMiB } from './hollow-fleet.js';
import { eventually } from '../test/wharf-process.js';

interface ScaleFigures {
  tasks: number;
  instances: number;
  /** CreateService -> every task RUNNING, and -> the deployment COMPLETED (ms). */
  allRunning: number;
  steady: number;
  /** The control plane's peak RSS (MiB), and its CPU time from CreateService to steady (ms). */
  rss: number;
  rssBefore: number;
  cpu: number;
  /** The hollow agents' process's CPU time over the same span (ms): the simulator's share of the machine. */
  fleetCpu: number;
  /** The service's tasks stopped by steady state: replaced because their agent was judged lost (none should be). */
  replaced: number;
  /** Agents the control plane judged lost, and agent connections that closed otherwise, by steady state. */
  lost: number;
  dropped: number;
}

/** One service of `tasks` tasks on `instances` hollow instances, in a Wharf of its own, to steady state. */
async function scaleRun(tasks: number, instances: number): Promise<ScaleFigures> {
  // Info: the agent channel's connections and losses are counted from the log.
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } });
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
    const cpuBefore = cpuMs(wharf.pid());
    const fleetCpuBefore = cpuMs(fleet.pid);
    const t0 = performance.now();
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'scale', taskDefinition: 'scale', desiredCount: tasks }));
    let allRunning = 0;
    await eventually(async () => {
      const { services: [s] = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['scale'] }));
      if (!allRunning && s?.runningCount === tasks) allRunning = performance.now() - t0;
      return allRunning && s?.deployments?.length === 1 && s.deployments[0]!.rolloutState === 'COMPLETED' ? true : undefined;
    }, `${tasks} tasks steady`, Math.max(600_000, tasks * 40));
    const steady = performance.now() - t0;
    const cpu = cpuMs(wharf.pid()) - cpuBefore;
    const fleetCpu = cpuMs(fleet.pid) - fleetCpuBefore;
    const logged = (msg: string) => wharf.logs().split(`"msg":"${msg}"`).length - 1;
    const lost = logged('agent lost');
    const dropped = logged('agent disconnected');
    return { tasks, instances, allRunning, steady, rss: await peakRssMiB(wharf.pid()), rssBefore, cpu, fleetCpu, replaced: await stoppedTasks(ecs, cluster), lost, dropped };
  } finally {
    await fleet.stop();
    // Stopped now, not only at the benchmark's end (which still removes what it left): one Wharf per size, its
    // service not deleted first (stopping tens of thousands of hollow tasks would take longer than the run).
    await wharf.stop();
  }
}

async function stoppedTasks(ecs: ECSClient, cluster: string): Promise<number> {
  let n = 0;
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTasksCommand({ cluster, serviceName: 'scale', desiredStatus: 'STOPPED', nextToken }));
    n += page.taskArns?.length ?? 0;
    nextToken = page.nextToken;
  } while (nextToken);
  return n;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function serviceScaleBenchmark(tasks = 10_000, instances = 1_000): Promise<ReadmeRow[]> {
  const r = await scaleRun(tasks, instances);
  console.log(`\nService scale: ${tasks} tasks on ${instances} hollow container instances (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  table([
    { measure: 'CreateService -> all RUNNING (services-stable)', value: seconds(r.allRunning), goal: '< 5 s' },
    { measure: 'CreateService -> deployment COMPLETED', value: `${seconds(r.steady)} (control plane CPU ${seconds(r.cpu)}, hollow agents' ${seconds(r.fleetCpu)})`, goal: '< 5 s' },
    { measure: 'tasks RUNNING per second', value: `${Math.round(tasks / (r.allRunning / 1000))}/s`, goal: 'k8s 570-810 pods/s' },
    { measure: 'control plane peak RSS', value: `${r.rss.toFixed(0)} MiB (${r.rssBefore.toFixed(0)} MiB before)`, goal: '< 512 MiB' },
    { measure: 'tasks replaced; agents judged lost; agent connections closed', value: `${r.replaced}; ${r.lost}; ${r.dropped}`, goal: '0; 0; 0' },
  ]);
  return [scaleRow(r)];
}

/** The same at growing sizes, ten tasks an instance: how time, CPU and memory grow with the fleet. */
export async function fleetCurveBenchmark(sizes = [1_000, 2_000, 5_000]): Promise<ReadmeRow[]> {
  const rows = [];
  const figures = [];
  for (const instances of sizes) {
    const r = await scaleRun(instances * 10, instances);
    figures.push(r);
    rows.push({
      instances,
      tasks: r.tasks,
      'to all RUNNING': seconds(r.allRunning),
      'to steady': seconds(r.steady),
      'control plane CPU': seconds(r.cpu),
      'CPU ms per task': (r.cpu / r.tasks).toFixed(2),
      "hollow agents' CPU": seconds(r.fleetCpu),
      'peak RSS MiB': Math.round(r.rss),
      'replaced / lost / closed': `${r.replaced} / ${r.lost} / ${r.dropped}`,
      'load average': loadavg()[0]!.toFixed(1),
    });
    // The table so far after each size: the larger ones take long on a loaded machine.
    console.log('\nFleet scale: one service, ten tasks per hollow container instance, to steady state');
    table(rows);
  }
  return figures.map(scaleRow);
}

/** A size's README row: its times, the control plane's CPU, and its memory. */
function scaleRow(r: ScaleFigures): ReadmeRow {
  return {
    benchmark: `${fmt.n(r.tasks)} tasks on ${fmt.n(r.instances)} hollow agents to all RUNNING / deployment COMPLETED; peak RSS`,
    wharf: `${seconds(r.allRunning)} / ${seconds(r.steady)} (control plane CPU ${seconds(r.cpu)}, ${fmt.n(r.tasks / (r.allRunning / 1000))} tasks/s); ${r.rss.toFixed(0)} MiB`,
    peer: "Kubernetes' scheduler tests: 570-810 pods/s",
    ratio: '',
    goal: '< 5 s; < 512 MiB',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(serviceScaleBenchmark);
