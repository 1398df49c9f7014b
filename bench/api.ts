// API throughput: signed DescribeTasks, ListTasks and RegisterTaskDefinition with @aws-sdk/client-ecs at
// concurrency 16, against Wharf and against moto's server (the peer), in the same run on the same data
// (one cluster, one task definition, ten tasks). Goal: at least 20x moto, p99 under 10 ms.
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, CreateClusterCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { spawn } from 'node:child_process';
import { exec, load, table } from './lib.js';
import { freePort, startWharf } from '../test/wharf-process.js';

const CONTAINERS = [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 16, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 600 & wait"] }];

async function startMoto() {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // moto places tasks only on container instances backed by its own EC2 instances: set them up with boto3.
  await exec('python3', ['-c', `
import boto3, json
kw = dict(endpoint_url='${endpoint}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
ecs = boto3.client('ecs', **kw); ec2 = boto3.client('ec2', **kw)
ecs.create_cluster(clusterName='bench')
iid = ec2.run_instances(ImageId='ami-12c6146b', MinCount=1, MaxCount=1)['Instances'][0]['InstanceId']
ecs.register_container_instance(cluster='bench', instanceIdentityDocument=json.dumps({'instanceId': iid}))
`]);
  return { endpoint, stop: () => child.kill('SIGTERM') };
}

async function measure(name: string, ecs: ECSClient) {
  await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: CONTAINERS }));
  const { tasks = [] } = await ecs.send(new RunTaskCommand({ cluster: 'bench', taskDefinition: 'bench', count: 10 }));
  const taskArns = tasks.map((t) => t.taskArn!);
  const calls = {
    DescribeTasks: () => ecs.send(new DescribeTasksCommand({ cluster: 'bench', tasks: taskArns })),
    ListTasks: () => ecs.send(new ListTasksCommand({ cluster: 'bench' })),
    RegisterTaskDefinition: () => ecs.send(new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: CONTAINERS })),
  };
  const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
  for (const [op, call] of Object.entries(calls)) {
    await load(call, { concurrency: 16, seconds: 1 }); // warm-up
    results[op] = await load(call, { concurrency: 16, seconds: 5 });
  }
  await Promise.all(taskArns.map((task) => ecs.send(new StopTaskCommand({ cluster: 'bench', task })).catch(() => undefined)));
  return { name, results, tasks: taskArns.length };
}

export async function apiBenchmark() {
  const wharf = await startWharf();
  const moto = await startMoto();
  try {
    const client = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
      new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const w = await measure('wharf', client(wharf.endpoint, wharf.credentials));
    const m = await measure('moto', client(moto.endpoint, { accessKeyId: 'x', secretAccessKey: 'y' }));
    console.log(`\nAPI throughput, concurrency 16, signed @aws-sdk/client-ecs calls (${w.tasks} tasks in Wharf, ${m.tasks} in moto)`);
    table(Object.keys(w.results).map((op) => {
      const a = w.results[op]!;
      const b = m.results[op]!;
      return {
        operation: op,
        'wharf req/s': Math.round(a.perSecond),
        'wharf p50 ms': a.p50,
        'wharf p99 ms': a.p99,
        'moto req/s': Math.round(b.perSecond),
        'moto p99 ms': b.p99,
        'ratio (goal >= 20x)': `${(a.perSecond / b.perSecond).toFixed(1)}x`,
        errors: `${a.errors}/${b.errors}`,
      };
    }));
  } finally {
    moto.stop();
    await wharf.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await apiBenchmark();
