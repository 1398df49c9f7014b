import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { ContainerState } from '../core/runtime.js';
import type { TaskSnapshot } from './task-engine.js';
import { containerMetadata, taskMetadata } from './task-metadata.js';

const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef';
const assignment: TaskAssignment = {
  taskArn,
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
  desiredStatus: 'RUNNING',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
  taskDefinition: {
    family: 'web',
    revision: 3,
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'nginx', cpu: 10, memory: 128, logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } } }],
  },
  containerArns: { app: 'arn:aws:ecs:us-east-1:123456789012:container/default/c1' },
  group: 'service:web',
  launchType: 'FARGATE',
  availabilityZone: 'us-east-1b',
  network: {
    attachmentId: 'a1',
    networkInterfaceId: 'eni-1',
    subnetId: 'subnet-1',
    vpcId: 'vpc-1',
    subnetCidr: '172.31.16.0/20',
    gateway: '172.31.16.1',
    privateIpv4Address: '172.31.16.4',
    macAddress: '0a:00:00:00:00:01',
    privateDnsName: 'ip-172-31-16-4.ec2.internal',
    ingress: [],
    egress: [],
  },
};
const snapshot: TaskSnapshot = {
  taskArn,
  assignment,
  desiredStatus: 'RUNNING',
  knownStatus: 'RUNNING',
  pullStartedAt: new Date('2026-01-01T00:00:00Z'),
  pullStoppedAt: new Date('2026-01-01T00:00:01Z'),
  containers: [{ name: 'app', runtimeId: 'd0cker', engineName: 'ecs-web-3-app-1', knownStatus: 'RUNNING' }],
};
const state: ContainerState = {
  id: 'd0cker',
  name: 'ecs-web-3-app-1',
  labels: { 'com.amazonaws.ecs.container-name': 'app' },
  status: 'running',
  oomKilled: false,
  networkBindings: [],
  imageId: 'sha256:abc',
  createdAt: new Date('2026-01-01T00:00:02Z'),
  startedAt: new Date('2026-01-01T00:00:03Z'),
};

test("a container's metadata, as ECS's v4 shows a Fargate container", () => {
  assert.deepEqual(containerMetadata(snapshot, 'app', state, 'us-east-1'), {
    DockerId: 'd0cker',
    Name: 'app',
    DockerName: 'ecs-web-3-app-1',
    Image: 'nginx',
    ImageID: 'sha256:abc',
    Labels: { 'com.amazonaws.ecs.container-name': 'app' },
    DesiredStatus: 'RUNNING',
    KnownStatus: 'RUNNING',
    Limits: { CPU: 10, Memory: 128 },
    CreatedAt: '2026-01-01T00:00:02.000Z',
    StartedAt: '2026-01-01T00:00:03.000Z',
    Type: 'NORMAL',
    ContainerARN: 'arn:aws:ecs:us-east-1:123456789012:container/default/c1',
    LogDriver: 'json-file',
    LogOptions: { 'max-size': '1m' },
    Networks: [
      {
        NetworkMode: 'awsvpc',
        IPv4Addresses: ['172.31.16.4'],
        AttachmentIndex: 0,
        MACAddress: '0a:00:00:00:00:01',
        IPv4SubnetCIDRBlock: '172.31.16.0/20',
        DomainNameServers: ['172.31.16.2'],
        DomainNameSearchList: ['ec2.internal'],
        PrivateDNSName: 'ip-172-31-16-4.ec2.internal',
        SubnetGatewayIpv4Address: '172.31.16.1/20',
      },
    ],
    Snapshotter: 'overlayfs',
  });
});

test("a task's metadata: its limits in vCPUs and MiB, its zone, launch type and service", () => {
  const meta = taskMetadata(snapshot, new Map([['d0cker', state]]), 'us-east-1');
  assert.deepEqual(
    [meta.Cluster, meta.TaskARN, meta.Family, meta.Revision, meta.ServiceName, meta.DesiredStatus, meta.KnownStatus, meta.Limits, meta.AvailabilityZone, meta.LaunchType, meta.VPCID],
    [assignment.clusterArn, taskArn, 'web', '3', 'web', 'RUNNING', 'RUNNING', { CPU: 0.25, Memory: 512 }, 'us-east-1b', 'FARGATE', undefined],
  );
  assert.deepEqual([meta.PullStartedAt, meta.PullStoppedAt], ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z']);
  assert.equal((meta.Containers as unknown[]).length, 1);
  assert.deepEqual(meta.EphemeralStorageMetrics, { Utilized: 0, Reserved: 20480 });

  // An EC2 task on the bridge: its container's own address; no Limits without task-level ones.
  const bridge: TaskSnapshot = {
    ...snapshot,
    assignment: { ...assignment, launchType: undefined, network: undefined, group: 'family:web', taskDefinition: { ...assignment.taskDefinition, networkMode: 'bridge', cpu: undefined, memory: undefined } },
  };
  const ec2 = taskMetadata(bridge, new Map([['d0cker', { ...state, ipv4Addresses: ['172.17.0.3'] }]]), 'eu-west-1');
  assert.deepEqual([ec2.LaunchType, ec2.Limits, ec2.ServiceName], ['EC2', undefined, undefined]);
  assert.deepEqual((ec2.Containers as { Networks: unknown }[])[0]!.Networks, [{ NetworkMode: 'bridge', IPv4Addresses: ['172.17.0.3'] }]);
});
