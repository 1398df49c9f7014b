// The task metadata endpoint v4's answers, in ECS's shapes (the developer guide's "task metadata v4 JSON
// response"): `/` describes the calling container, `/task` its task with every container. Pure: built from
// what the task engine knows and what the engine says of each container.
import type { TaskAssignment } from '../core/agent-protocol.js';
import { serviceArnOfTask } from '../core/arn.js';
import type { ContainerState } from '../core/runtime.js';
import type { TaskSnapshot } from './task-engine.js';

export type Json = Record<string, unknown>;

/** The DNS search domain of a region's private names, as EC2 gives it. */
const searchDomain = (region: string) => (region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`);

/** The VPC's DNS server: the subnet's second address after the router, as EC2 reserves it. */
function dnsServer(gateway: string): string {
  const parts = gateway.split('.').map(Number);
  parts[3]! += 1;
  return parts.join('.');
}

const iso = (d: Date | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The container's entry in `Networks`: its task's interface (awsvpc), or its own address on a bridge. */
function networks(task: TaskAssignment, region: string, state: ContainerState | undefined): Json[] {
  const mode = task.taskDefinition.networkMode ?? 'bridge';
  const network = task.network;
  if (network) {
    const prefix = network.subnetCidr.split('/')[1];
    return [
      {
        NetworkMode: 'awsvpc',
        IPv4Addresses: [network.privateIpv4Address],
        AttachmentIndex: 0,
        MACAddress: network.macAddress,
        IPv4SubnetCIDRBlock: network.subnetCidr,
        DomainNameServers: [dnsServer(network.gateway)],
        DomainNameSearchList: [searchDomain(region)],
        PrivateDNSName: network.privateDnsName,
        SubnetGatewayIpv4Address: `${network.gateway}/${prefix}`,
      },
    ];
  }
  if (mode === 'none') return [];
  return [defined({ NetworkMode: mode, IPv4Addresses: mode === 'host' ? undefined : state?.ipv4Addresses ?? [] })];
}

/** `${ECS_CONTAINER_METADATA_URI_V4}`: one container. */
export function containerMetadata(snapshot: TaskSnapshot, name: string, state: ContainerState | undefined, region: string): Json {
  const task = snapshot.assignment!;
  const container = snapshot.containers.find((c) => c.name === name)!;
  const def = task.taskDefinition.containerDefinitions?.find((c) => c.name === name);
  const log = def?.logConfiguration;
  const ports = state?.networkBindings ?? [];
  return defined({
    DockerId: container.runtimeId,
    Name: name,
    DockerName: container.engineName,
    Image: def?.image,
    ImageID: state?.imageId,
    Ports: ports.length
      ? ports.map((b) => ({ ContainerPort: b.containerPort, Protocol: b.protocol, HostPort: b.hostPort, HostIp: b.bindIP }))
      : undefined,
    Labels: state?.labels,
    DesiredStatus: snapshot.desiredStatus,
    KnownStatus: container.knownStatus,
    ExitCode: container.knownStatus === 'STOPPED' ? container.exitCode : undefined,
    Limits: { CPU: def?.cpu ?? 0, Memory: def?.memory ?? 0 },
    CreatedAt: iso(state?.createdAt),
    StartedAt: iso(state?.startedAt),
    FinishedAt: iso(state?.finishedAt),
    Type: 'NORMAL',
    ContainerARN: task.containerArns[name],
    LogDriver: log?.logDriver,
    LogOptions: log?.options,
    Networks: networks(task, region, state),
    Snapshotter: 'overlayfs',
  });
}

/** `${ECS_CONTAINER_METADATA_URI_V4}/task`: the task and each of its containers. */
export function taskMetadata(snapshot: TaskSnapshot, states: ReadonlyMap<string, ContainerState>, region: string): Json {
  const task = snapshot.assignment!;
  const definition = task.taskDefinition;
  const serviceArn = serviceArnOfTask({ clusterArn: task.clusterArn, group: task.group });
  const launchType = task.launchType ?? 'EC2';
  return defined({
    Cluster: task.clusterArn,
    TaskARN: task.taskArn,
    Family: definition.family,
    Revision: String(definition.revision),
    ServiceName: serviceArn?.split('/').at(-1),
    DesiredStatus: snapshot.desiredStatus,
    KnownStatus: snapshot.knownStatus,
    // Task-level limits: CPU in vCPUs, memory in MiB; left out when the definition sets none.
    Limits:
      definition.cpu !== undefined || definition.memory !== undefined
        ? defined({ CPU: definition.cpu !== undefined ? Number(definition.cpu) / 1024 : undefined, Memory: definition.memory !== undefined ? Number(definition.memory) : undefined })
        : undefined,
    PullStartedAt: iso(snapshot.pullStartedAt),
    PullStoppedAt: iso(snapshot.pullStoppedAt),
    AvailabilityZone: task.availabilityZone,
    LaunchType: launchType,
    // The VPC shows for tasks on EC2 instances only.
    VPCID: launchType === 'EC2' ? task.network?.vpcId : undefined,
    Containers: snapshot.containers
      .filter((c) => c.runtimeId)
      .map((c) => containerMetadata(snapshot, c.name, states.get(c.runtimeId!), region)),
    EphemeralStorageMetrics:
      launchType === 'FARGATE' ? { Utilized: 0, Reserved: (definition.ephemeralStorage?.sizeInGiB ?? 20) * 1024 } : undefined,
  });
}
