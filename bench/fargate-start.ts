// Fargate task start: RunTask with the FARGATE launch type to RUNNING (as DescribeTasks reports it): an
// awsvpc task with its own network namespace (the pause container included), its own address on the
// subnet's network and its task-level limits, against `docker run -d` of the same image and command,
// interleaved in the same run. Goal: ratio <= 1.3x. (Amazon's own Fargate takes 30-60 s.)
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { benchWharf, benchmark, dockerRun, percentile, table } from './lib.js';

const IMAGE = 'wharf-test/busybox:latest';
// Exits on SIGTERM (sh as PID 1 would otherwise ignore it), so clean-up is quick on both paths.
const COMMAND = ['sh', '-c', "trap 'exit 143' TERM; sleep 600 & wait"];

export async function fargateStartBenchmark(runs = 20) {
  // Host-wide: its awsvpc networks take the default VPC's ranges, which the tests' Wharfs use too.
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info', WHARF_TASK_CLEANUP_WAIT: '1s' }, hostWide: true });
  const ecs = wharf.ecs();
  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const wharfMs: number[] = [];
  const dockerMs: number[] = [];
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  const subnets = Subnets.map((s) => s.SubnetId!);
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'bench-fargate',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: IMAGE, command: COMMAND }],
  }));
  for (let i = 0; i < runs + 2; i++) {
    let t = performance.now();
    const { tasks = [], failures = [] } = await ecs.send(new RunTaskCommand({
      taskDefinition: 'bench-fargate',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets } },
    }));
    if (!tasks[0]) throw new Error(`RunTask failed: ${JSON.stringify(failures)}`);
    const taskArn = tasks[0].taskArn!;
    for (;;) {
      const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
      if (task?.lastStatus === 'RUNNING') break;
      if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.stoppedReason}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    if (i >= 2) wharfMs.push(performance.now() - t); // the first two warm up both paths (and import the pause image)

    t = performance.now();
    await dockerRun(['--memory', '512m', '--cpus', '0.25', IMAGE, ...COMMAND]);
    if (i >= 2) dockerMs.push(performance.now() - t);
    // A small host holds few tasks at once: each goes before the next, unmeasured.
    await ecs.send(new StopTaskCommand({ task: taskArn }));
  }
  ec2.destroy();
  wharfMs.sort((a, b) => a - b);
  dockerMs.sort((a, b) => a - b);
  console.log(`\nFargate task start (awsvpc, pause container included), ${runs} runs each, interleaved`);
  table([
    { path: 'wharf RunTask FARGATE -> RUNNING', 'p50 ms': percentile(wharfMs, 50), 'p95 ms': percentile(wharfMs, 95) },
    { path: 'docker run -d', 'p50 ms': percentile(dockerMs, 50), 'p95 ms': percentile(dockerMs, 95) },
    {
      path: 'ratio (goal <= 1.3x)',
      'p50 ms': `${(percentile(wharfMs, 50) / percentile(dockerMs, 50)).toFixed(2)}x`,
      'p95 ms': `${(percentile(wharfMs, 95) / percentile(dockerMs, 95)).toFixed(2)}x`,
    },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(fargateStartBenchmark);
