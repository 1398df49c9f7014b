import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './src/cli/server.js';
import { execFileSync } from 'node:child_process';

const logs: string[] = [];
const mk = (lvl: string) => (msg: string, f?: Record<string, unknown>) => { logs.push(`${lvl} ${msg} ${JSON.stringify(f ?? {})}`); };
const log: any = { debug: () => {}, info: mk('INFO'), warn: mk('WARN'), error: mk('ERROR'), child: () => log };
const dataDir = mkdtempSync(join(tmpdir(), 'wharf-e2e-'));
const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, region: 'us-east-1', auth: 'sigv4', log });
console.log('endpoint', server.endpoint, readdirSync(dataDir));
const creds = JSON.parse(readFileSync(join(dataDir, readdirSync(dataDir).find((f) => f.includes('cred'))!), 'utf8'));
const ecs = new ECSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } });
await ecs.send(new RegisterTaskDefinitionCommand({ family: 'e2e-agent', containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sleep', '600'], portMappings: [{ containerPort: 80 }] }] }));
const times: number[] = [];
const arns: string[] = [];
for (let i = 0; i < 8; i++) {
  const t = performance.now();
  const { tasks = [], failures } = await ecs.send(new RunTaskCommand({ taskDefinition: 'e2e-agent' }));
  if (!tasks[0]) throw new Error(JSON.stringify(failures));
  arns.push(tasks[0].taskArn!);
  for (;;) {
    const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [tasks[0].taskArn!] }));
    if (task?.lastStatus === 'RUNNING') { if (i === 0) console.log(JSON.stringify(task.containers, null, 1)); break; }
    if (task?.lastStatus === 'STOPPED') throw new Error(task.stoppedReason);
    await new Promise((r) => setTimeout(r, 5));
  }
  times.push(performance.now() - t);
}
const d: number[] = [];
for (let i = 0; i < 5; i++) { const t = performance.now(); const id = execFileSync('docker', ['run', '-d', '--memory', '32m', 'wharf-test/busybox:latest', 'sleep', '600']).toString().trim(); d.push(performance.now() - t); execFileSync('docker', ['rm', '-f', id]); }
console.log('wharf ms', times.map((x) => x.toFixed(0)).join(' '), 'docker ms', d.map((x) => x.toFixed(0)).join(' '));
for (const task of arns) await ecs.send(new StopTaskCommand({ task }));
for (;;) {
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: arns }));
  if (tasks.every((t) => t.lastStatus === 'STOPPED')) { console.log(tasks[0]!.stoppedReason, tasks[0]!.containers![0]!.exitCode, tasks[0]!.stopCode); break; }
  await new Promise((r) => setTimeout(r, 50));
}
await server.close();
console.log(logs.filter((l) => !l.startsWith('INFO')).join('\n'));
console.log(logs.filter((l) => l.includes('agent') || l.includes('task')).slice(0, 15).join('\n'));
