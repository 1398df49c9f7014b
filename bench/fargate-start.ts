// Fargate task start: RunTask with the FARGATE launch type to RUNNING (as DescribeTasks reports it): an
// awsvpc task with its own network namespace (the pause container included), its own address on the
// subnet's network and its task-level limits, against `docker run -d` of the same image and command,
// interleaved in the same run, with where the time goes (start-timeline.ts). Goal: ratio <= 1.1x.
// (Amazon's own Fargate takes 30-60 s.)
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { benchWharf, benchmark, ecsCall, exec } from './lib.js';
import { NETWORK_LABELS } from '../src/agent/task-resources.js';
import { compareStarts } from './start-timeline.js';
import { COMMAND, IMAGE, untilRunning } from './task-start.js';

export async function fargateStartBenchmark(runs = 20) {
  // Host-wide: its awsvpc networks take the default VPC's ranges, which the tests' Wharfs use too.
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info', WHARF_TASK_CLEANUP_WAIT: '1s' }, hostWide: true });
  const call = (op: string, input: unknown) => ecsCall(wharf.endpoint, wharf.credentials, op, input);
  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  ec2.destroy();
  const subnets = Subnets.map((s) => s.SubnetId!);
  const [instanceArn] = (await call('ListContainerInstances', {})).containerInstanceArns;
  await wharf.ecs().send(new RegisterTaskDefinitionCommand({
    family: 'bench-fargate',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: IMAGE, command: COMMAND }],
  }));
  return compareStarts({
    title: 'Fargate task start (awsvpc, pause container included)',
    goal: 1.1,
    runs,
    containerName: 'app',
    image: IMAGE,
    command: COMMAND,
    dockerArgs: ['--memory', '512m', '--cpus', '0.25'],
    runTask: async () => {
      const { tasks = [], failures = [] } = await call('RunTask', {
        taskDefinition: 'bench-fargate',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets } },
      });
      if (!tasks[0]) throw new Error(`RunTask failed: ${JSON.stringify(failures)}`);
      return tasks[0].taskArn;
    },
    untilRunning: (taskArn) => untilRunning(call, taskArn),
    // The agent tops up its two ready pause containers once the task has started.
    settle: async () => {
      for (let i = 0; i < 400; i++) {
        const ready = await exec('docker', ['ps', '-q', '--filter', `label=${NETWORK_LABELS.pause}=${instanceArn}`, '--filter', 'name=wharf-pause-ready-', '--filter', 'status=running']);
        if (ready.split('\n').filter(Boolean).length >= 2) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the agent kept no pause container ready');
    },
    // A small host holds few tasks at once: each goes before the next, unmeasured.
    afterRound: (taskArn) => call('StopTask', { task: taskArn }),
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(fargateStartBenchmark);
