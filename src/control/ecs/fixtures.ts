// A control-plane world for unit tests: state over an in-memory SQLite store, a clock that moves only
// when told, ids that count, and a caller; then records in it, either put straight into state (put*: the
// operations that register them are tested on their own) or made through the operations (populated).
// Not a test itself (no `.test` in the name), imported by them.
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { clusterArn, containerInstanceArn, taskArn, taskDefinitionArn } from '../../core/arn.js';
import type { CallContext } from '../../core/caller.js';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import type { Logger } from '../../core/ports.js';
import { registeredResources } from '../../scheduler/resources.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { ControlContext } from '../context.js';
import { ManualClock } from '../manual-clock.js';
import { State } from '../state.js';
import { SessionKeys } from '../sts/session-keys.js';
import { createCluster } from './create-cluster.js';
import { createService } from './create-service.js';
import { registerContainerInstance } from './register-container-instance.js';
import { registerTaskDefinition } from './register-task-definition.js';
import { updateService } from './update-service.js';

export const IMAGE = 'wharf-test/busybox:latest';

export interface Fixture {
  ctx: ControlContext;
  call: CallContext;
  /** Moves the clock forward. */
  advance(ms: number): void;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

export async function fixture(): Promise<Fixture> {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  let next = 0;
  const state = await State.open(new SqliteStore(':memory:'));
  const partition = { region: 'us-east-1', accountId: '123456789012' };
  const ctx: ControlContext = {
    state,
    clock,
    ids: { id: () => (++next).toString(16).padStart(32, '0') },
    log: quiet,
    partition,
    endpoint: 'http://127.0.0.1:0',
    sessionKeys: new SessionKeys(Buffer.alloc(32, 1)),
  };
  const call: CallContext = {
    requestId: 'request-1',
    region: partition.region,
    caller: { accessKeyId: 'AKIDEXAMPLE', accountId: partition.accountId, arn: 'arn:aws:iam::123456789012:user/alice' },
  };
  return { ctx, call, advance: (ms) => clock.advance(ms) };
}

// --- records put straight into state ---------------------------------------------------------------

export async function putCluster(ctx: ControlContext, name = 'default'): Promise<ClusterRecord> {
  const cluster: ClusterRecord = { clusterArn: clusterArn(ctx.partition, name), clusterName: name, status: 'ACTIVE', tags: [] };
  await ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, cluster));
  return cluster;
}

/** An ACTIVE instance of 2 vCPUs (1 GiB unless told), its agent connected unless told. */
export async function putInstance(
  ctx: ControlContext,
  cluster: ClusterRecord,
  id: string,
  options: { memoryMiB?: number; agentConnected?: boolean; zone?: string } = {},
): Promise<ContainerInstanceRecord> {
  const instance: ContainerInstanceRecord = {
    containerInstanceArn: containerInstanceArn(ctx.partition, cluster.clusterName, id),
    clusterArn: cluster.clusterArn,
    ec2InstanceId: `i-${id}`,
    status: 'ACTIVE',
    agentConnected: options.agentConnected ?? true,
    registeredResources: registeredResources({ cores: 2, memoryMiB: options.memoryMiB ?? 1024 }),
    attributes: [
      { name: 'ecs.availability-zone', value: options.zone ?? 'us-east-1a' },
      { name: 'ecs.cpu-architecture', value: 'x86_64' },
    ],
    tags: [],
    version: 1,
  };
  await ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, instance));
  return instance;
}

export async function putTaskDefinition(
  ctx: ControlContext,
  family: string,
  containers: ContainerDefinition[] = [{ name: 'app', image: IMAGE, memory: 128, command: ['sleep', '300'] }],
  extra: Partial<TaskDefinitionRecord> = {},
): Promise<TaskDefinitionRecord> {
  const revision = extra.revision ?? 1;
  const definition: TaskDefinitionRecord = {
    family,
    revision,
    taskDefinitionArn: taskDefinitionArn(ctx.partition, family, revision),
    status: 'ACTIVE',
    networkMode: 'bridge',
    containerDefinitions: containers,
    tags: [],
    ...extra,
  };
  await ctx.state.mutate((tx) => tx.put('taskDefinition', definition.taskDefinitionArn, definition));
  return definition;
}

/** A task record of one container `web`, as RunTask and the agents' reports would leave it. */
export async function putTask(
  ctx: ControlContext,
  where: { clusterArn: string; instanceArn?: string; taskDefinitionArn: string },
  status: Pick<TaskRecord, 'lastStatus' | 'desiredStatus'> & Partial<TaskRecord> = { lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
): Promise<TaskRecord> {
  const arn = taskArn(ctx.partition, where.clusterArn.split('/').at(-1)!, ctx.ids.id());
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
  return ctx.state.mutate((tx) => tx.put('task', arn, task));
}

// --- records made through the operations -----------------------------------------------------------

export const webDefinition = (over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest => ({
  family: 'web',
  containerDefinitions: [{ name: 'web', image: IMAGE, cpu: 256, memory: 512 }],
  ...over,
});

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

/**
 * Service `svc` (task definition `web`) whose first deployment completed and whose second is in progress:
 * answers the service and both service deployments.
 */
export async function redeploying(f: Fixture): Promise<{ serviceArn: string; first: string; second: string }> {
  const { service } = await createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 1 }, f.call);
  const serviceArn = service!.serviceArn!;
  const first = service!.currentServiceDeployment!;
  await f.ctx.state.mutate((tx) => {
    const s = tx.get('service', serviceArn)!;
    const done = { ...s.deployments[0]!, rolloutState: 'COMPLETED' as const };
    tx.put('service', serviceArn, { ...s, deployments: [done], completedDeployment: done });
    tx.put('serviceDeployment', first, { ...tx.get('serviceDeployment', first)!, status: 'SUCCESSFUL' });
  });
  const updated = await updateService(f.ctx, { service: 'svc', forceNewDeployment: true });
  return { serviceArn, first, second: updated.service!.currentServiceDeployment! };
}
