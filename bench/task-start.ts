// Task start: RunTask to RUNNING (as DescribeTasks reports it), one busybox container, against
// `docker run -d` of the same image and command and MiniStack's RunTask of the same task (ministack.ts),
// interleaved in the same run, with where the time goes (start-timeline.ts). Goal: ratio <= 1.0x to both.
// The poll for RUNNING is a plain signed request every 5 ms: the SDK's own CPU per call would otherwise
// compete with Docker on this 2-core machine, on Wharf's side only.
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { benchWharf, benchmark, ecsCall } from './lib.js';
import { miniStackMissing, startMiniStack } from './ministack.js';
import { compareStarts, type EcsPeer } from './start-timeline.js';

export const IMAGE = 'wharf-test/busybox:latest';
// Exits on SIGTERM (sh as PID 1 would otherwise ignore it), so clean-up is quick on both paths.
export const COMMAND = ['sh', '-c', "trap 'exit 143' TERM; sleep 600 & wait"];

/** Polls DescribeTasks every 5 ms until the task is RUNNING; a STOPPED task fails the benchmark. */
export async function untilRunning(call: (op: string, input: unknown) => Promise<any>, taskArn: string): Promise<void> {
  for (;;) {
    const { tasks: [task] = [] } = await call('DescribeTasks', { tasks: [taskArn] });
    if (task?.lastStatus === 'RUNNING') return;
    if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.stoppedReason}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function taskStartBenchmark(runs = 20) {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } }); // production's level
  const call = (op: string, input: unknown) => ecsCall(wharf.endpoint, wharf.credentials, op, input);
  await wharf.ecs().send(new RegisterTaskDefinitionCommand({
    family: 'bench-start',
    // The same CPU shares on both sides: without a `cpu` ECS (and Wharf) gives a container 2 shares, whose start
    // is slower than docker run's default 1024 whenever anything else on the host wants the CPU. 64 each, so
    // the 22 tasks fit on a 2-core instance.
    containerDefinitions: [{ name: 'app', image: IMAGE, memory: 32, cpu: 64, command: COMMAND }],
  }));
  return compareStarts({
    peers: await miniStackPeer(),
    title: 'Task start (EC2 launch type, bridge)',
    goal: 1.0,
    runs,
    containerName: 'app',
    image: IMAGE,
    command: COMMAND,
    dockerArgs: ['--memory', '32m', '--cpu-shares', '64'],
    runTask: async () => {
      const { tasks = [], failures = [] } = await call('RunTask', { taskDefinition: 'bench-start' });
      if (!tasks[0]) throw new Error(`RunTask failed: ${JSON.stringify(failures)}`);
      return tasks[0].taskArn;
    },
    untilRunning: (taskArn) => untilRunning(call, taskArn),
  });
}

/** MiniStack as a peer, its task definition the same; none (said in one line) when it cannot run here. */
async function miniStackPeer(): Promise<EcsPeer[]> {
  const missing = miniStackMissing();
  if (missing) {
    console.log(`[bench] ${missing}`);
    return [];
  }
  const { endpoint } = await startMiniStack();
  const call = (op: string, input: unknown) => ecsCall(endpoint, { accessKeyId: 'test', secretAccessKey: 'test' }, op, input);
  await call('RegisterTaskDefinition', { family: 'bench-start', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 32, cpu: 64, command: COMMAND }] });
  return [{
    name: 'ministack',
    answersAfterStart: true,
    runTask: async () => {
      const { tasks = [], failures = [] } = await call('RunTask', { taskDefinition: 'bench-start' });
      if (!tasks[0]) throw new Error(`MiniStack's RunTask failed: ${JSON.stringify(failures)}`);
      return tasks[0].taskArn;
    },
    untilRunning: (taskArn) => untilRunning(call, taskArn),
  }];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(taskStartBenchmark);
