// Recovery: `docker kill` of a service's task container to its replacement RUNNING (as DescribeTasks
// reports it), on the local agent with real containers. Goal: p50 under 2 s.
import { CreateServiceCommand, DeleteServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { benchWharf, benchmark, exec, percentile, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';
import { eventually } from '../test/wharf-process.js';

async function runningTask(ecs: ECSClient, except?: string): Promise<string | undefined> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'recovery' }));
  const candidates = taskArns.filter((arn) => arn !== except);
  if (candidates.length === 0) return undefined;
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: candidates }));
  return tasks.find((t) => t.lastStatus === 'RUNNING')?.taskArn;
}

export async function serviceRecoveryBenchmark(runs = 10): Promise<ReadmeRow[]> {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } });
  const ecs = wharf.ecs();
  const ms: number[] = [];
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'bench-recovery',
    containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 600 & wait"], stopTimeout: 2 }],
  }));
  await ecs.send(new CreateServiceCommand({ serviceName: 'recovery', taskDefinition: 'bench-recovery', desiredCount: 1 }));
  let victim = await eventually(() => runningTask(ecs), 'the first task RUNNING');
  for (let i = 0; i < runs; i++) {
    const container = (await exec('docker', ['ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${victim}`])).trim();
    const t0 = performance.now();
    await exec('docker', ['kill', container]);
    for (;;) {
      const replacement = await runningTask(ecs, victim);
      if (replacement) {
        ms.push(performance.now() - t0);
        victim = replacement;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await ecs.send(new DeleteServiceCommand({ service: 'recovery', force: true }));
  ms.sort((a, b) => a - b);
  console.log(`\nService recovery: docker kill -> replacement RUNNING, ${runs} runs`);
  table([{ path: 'docker kill -> replacement RUNNING', 'p50 ms': percentile(ms, 50), 'p95 ms': percentile(ms, 95), 'goal p50': '< 2000 ms' }]);
  return [{ benchmark: 'service recovery, `docker kill` -> replacement RUNNING, p50 / p95', wharf: `${fmt.n(percentile(ms, 50))} / ${fmt.n(percentile(ms, 95))} ms`, peer: '', ratio: '', goal: 'p50 < 2 s' }];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(serviceRecoveryBenchmark);
