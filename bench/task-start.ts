// Task start: RunTask to RUNNING (as DescribeTasks reports it), one busybox container, against
// `docker run -d` of the same image and command, interleaved in the same run. Goal: ratio <= 1.0x.
// The poll for RUNNING is a plain signed request every 5 ms: the SDK's own CPU per call would otherwise
// compete with Docker on this 2-core machine, on Wharf's side only.
import { RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { benchWharf, benchmark, dockerRun, ecsCall, percentile, table } from './lib.js';

const IMAGE = 'wharf-test/busybox:latest';
// Exits on SIGTERM (sh as PID 1 would otherwise ignore it), so clean-up is quick on both paths.
const COMMAND = ['sh', '-c', "trap 'exit 143' TERM; sleep 600 & wait"];

export async function taskStartBenchmark(runs = 20) {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } }); // production's level
  const ecs = wharf.ecs();
  const wharfMs: number[] = [];
  const dockerMs: number[] = [];
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'bench-start',
    containerDefinitions: [{ name: 'app', image: IMAGE, memory: 32, command: COMMAND }],
  }));
  for (let i = 0; i < runs + 2; i++) {
    let t = performance.now();
    const { tasks = [], failures = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'bench-start' }));
    if (!tasks[0]) throw new Error(`RunTask failed: ${JSON.stringify(failures)}`);
    const taskArn = tasks[0].taskArn!;
    for (;;) {
      const { tasks: [task] = [] } = await ecsCall(wharf.endpoint, wharf.credentials, 'DescribeTasks', { tasks: [taskArn] });
      if (task?.lastStatus === 'RUNNING') break;
      if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.stoppedReason}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    if (i >= 2) wharfMs.push(performance.now() - t); // the first two warm up both paths

    t = performance.now();
    await dockerRun(['--memory', '32m', IMAGE, ...COMMAND]);
    if (i >= 2) dockerMs.push(performance.now() - t);
  }
  wharfMs.sort((a, b) => a - b);
  dockerMs.sort((a, b) => a - b);
  console.log(`\nTask start, ${runs} runs each, interleaved`);
  table([
    { path: 'wharf RunTask -> RUNNING', 'p50 ms': percentile(wharfMs, 50), 'p95 ms': percentile(wharfMs, 95) },
    { path: 'docker run -d', 'p50 ms': percentile(dockerMs, 50), 'p95 ms': percentile(dockerMs, 95) },
    {
      path: 'ratio (goal <= 1.0x)',
      'p50 ms': `${(percentile(wharfMs, 50) / percentile(dockerMs, 50)).toFixed(2)}x`,
      'p95 ms': `${(percentile(wharfMs, 95) / percentile(dockerMs, 95)).toFixed(2)}x`,
    },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(taskStartBenchmark);
