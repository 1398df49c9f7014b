// Test fixtures for the scheduler's tests: container instances, task definitions and tasks built in memory.
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { ContainerInstanceRecord } from '../core/ecs.js';
import { registeredResources, type TaskRequirement } from './resources.js';
import type { SnapshotTask } from './snapshot.js';

export const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:000000000000:cluster/c';
export const instanceArn = (id: string | number) => `arn:aws:ecs:us-east-1:000000000000:container-instance/c/${id}`;

export interface InstanceOptions {
  cores?: number;
  memoryMiB?: number;
  status?: ContainerInstanceRecord['status'];
  agentConnected?: boolean;
  attributes?: Record<string, string>;
}

export function instance(id: string | number, o: InstanceOptions = {}): ContainerInstanceRecord {
  return {
    containerInstanceArn: instanceArn(id),
    clusterArn: CLUSTER_ARN,
    ec2InstanceId: `i-${id}`,
    status: o.status ?? 'ACTIVE',
    agentConnected: o.agentConnected ?? true,
    registeredResources: registeredResources({ cores: o.cores ?? 2, memoryMiB: o.memoryMiB ?? 4096 }),
    attributes: Object.entries(o.attributes ?? {}).map(([name, value]) => ({ name, value })),
    tags: [],
    version: 1,
  };
}

export function taskDefinition(o: { cpu?: number; memory?: number; hostPort?: number; udpPort?: number; family?: string; memberOf?: string } = {}): TaskDefinition {
  const portMappings = [
    ...(o.hostPort === undefined ? [] : [{ containerPort: 80, hostPort: o.hostPort }]),
    ...(o.udpPort === undefined ? [] : [{ containerPort: 53, hostPort: o.udpPort, protocol: 'udp' as const }]),
  ];
  return {
    family: o.family ?? 'app',
    containerDefinitions: [{ name: 'main', image: 'wharf-test/busybox:latest', cpu: o.cpu ?? 256, memory: o.memory ?? 512, portMappings }],
    placementConstraints: o.memberOf ? [{ type: 'memberOf', expression: o.memberOf }] : undefined,
  };
}

let next = 0;

/** A task on an instance, wanted running, with what it holds. */
export function task(
  instanceId: string | number,
  requirement: Partial<TaskRequirement> = {},
  o: { group?: string; lastStatus?: SnapshotTask['lastStatus']; desiredStatus?: SnapshotTask['desiredStatus']; taskArn?: string } = {},
): { task: SnapshotTask; requirement: TaskRequirement } {
  return {
    task: {
      taskArn: o.taskArn ?? `arn:aws:ecs:us-east-1:000000000000:task/c/${++next}`,
      containerInstanceArn: instanceArn(instanceId),
      group: o.group ?? 'family:app',
      lastStatus: o.lastStatus ?? 'RUNNING',
      desiredStatus: o.desiredStatus ?? 'RUNNING',
    },
    requirement: { cpu: 0, memory: 0, ports: [], udpPorts: [], ...requirement },
  };
}

/** A random source that returns the given values in turn, then repeats the last. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

/** A seeded uniform generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
