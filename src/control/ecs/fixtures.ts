// A control-plane world for unit tests: state over an in-memory SQLite store, a clock that moves only
// when told, ids that count, and a caller. Not a test itself (no `.test` in the name), imported by them.
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { taskArn } from '../../core/arn.js';
import type { TaskRecord } from '../../core/ecs.js';
import type { Logger } from '../../core/ports.js';
import type { CallContext } from '../../core/caller.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { ControlContext } from '../context.js';
import { State } from '../state.js';
import { createCluster } from './create-cluster.js';
import { registerContainerInstance } from './register-container-instance.js';
import { registerTaskDefinition } from './register-task-definition.js';

export interface Fixture {
  ctx: ControlContext;
  call: CallContext;
  /** Moves the clock forward. */
  advance(ms: number): void;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

export async function fixture(): Promise<Fixture> {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let next = 0;
  const state = await State.open(new SqliteStore(':memory:'));
  const partition = { region: 'us-east-1', accountId: '123456789012' };
  const ctx: ControlContext = {
    state,
    clock: { now: () => new Date(now) },
    ids: { id: () => (++next).toString(16).padStart(32, '0') },
    log: quiet,
    partition,
    endpoint: 'http://127.0.0.1:0',
  };
  const call: CallContext = {
    requestId: 'request-1',
    region: partition.region,
    caller: { accessKeyId: 'AKIDEXAMPLE', accountId: partition.accountId, arn: 'arn:aws:iam::123456789012:user/alice' },
  };
  return { ctx, call, advance: (ms) => void (now += ms) };
}

/** A cluster, an instance of 2 vCPUs and 4 GiB registered to it, and a one-container task definition. */
export async function populated(f: Fixture, clusterName = 'default') {
  const { cluster } = await createCluster(f.ctx, { clusterName }, f.call);
  const { containerInstance } = await registerContainerInstance(f.ctx, {
    cluster: clusterName,
    instanceIdentityDocument: JSON.stringify({ instanceId: 'i-0123456789abcdef0', availabilityZone: 'us-east-1a', instanceType: 't3.medium' }),
    totalResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
    ],
    versionInfo: { agentVersion: '1.0.0' },
  });
  const { taskDefinition } = await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  return { clusterArn: cluster!.clusterArn!, instanceArn: containerInstance!.containerInstanceArn!, taskDefinitionArn: taskDefinition!.taskDefinitionArn! };
}

export const webDefinition = (over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest => ({
  family: 'web',
  containerDefinitions: [{ name: 'web', image: 'wharf-test/busybox:latest', cpu: 256, memory: 512 }],
  ...over,
});

/** Puts a task record straight into state, as RunTask and the agents' reports would leave it. */
export async function putTask(
  f: Fixture,
  where: { clusterArn: string; instanceArn?: string; taskDefinitionArn: string },
  status: Pick<TaskRecord, 'lastStatus' | 'desiredStatus'> & Partial<TaskRecord> = { lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
): Promise<TaskRecord> {
  const arn = taskArn(f.ctx.partition, where.clusterArn.split('/').at(-1)!, f.ctx.ids.id());
  const task: TaskRecord = {
    taskArn: arn,
    clusterArn: where.clusterArn,
    taskDefinitionArn: where.taskDefinitionArn,
    ...(where.instanceArn ? { containerInstanceArn: where.instanceArn } : {}),
    launchType: 'EC2',
    containers: [{ containerArn: `${arn}/web`, taskArn: arn, name: 'web', lastStatus: status.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING', essential: true, healthCheck: false }],
    tags: [],
    version: 1,
    ...status,
  };
  return f.ctx.state.mutate((tx) => tx.put('task', arn, task));
}
