// The container-instance agent, like ECS's: registers its host with the control plane through the ECS API,
// adopts the containers it already runs, opens the agent channel, and converges on the tasks assigned to
// it. `wharf agent` runs it in its own process; `wharf up` runs one in-process for the local instance.
import { Agent as HttpsAgent } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DiscoverPollEndpointCommand,
  ECSClient,
  ECSServiceException,
  RegisterContainerInstanceCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { clusterArn as makeClusterArn, parseArn } from '../core/arn.js';
import type { ContainerHealth, RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import type { ContainerRuntime, CredentialsRouting, HostFirewall, NamespaceInterfaces, ServiceConnectProxies, TaskCgroups } from '../core/runtime.js';
import { AgentChannel, type Credentials } from './channel.js';
import { InstanceRoleCredentials, type JoinedInstance } from './instance-credentials.js';
import {
  DEFAULT_INSTANCE_TYPE,
  ec2InstanceId,
  forgetRegistration,
  privateIp,
  readRegistration,
  registrationRequest,
  hostId,
  saveRegistration,
  type InstanceIdentity,
} from './registration.js';
import { EcsStateReporter } from './reporter.js';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings } from './security-settings.js';
import { TaskEngine, type ContainerEnvironmentHook } from './task-engine.js';
import { TaskResources } from './task-resources.js';
import { startMetadataServer } from './metadata-server.js';
import { ecsTaskProtectionClient } from './task-protection.js';
import { CredentialsEndpoint } from './credentials-endpoint.js';
import { drainOnSpotNotice } from './spot-draining.js';
import { AwslogsShipper } from './awslogs.js';
import { DEFAULT_METRICS_INTERVAL_MS, sampleContainerMetrics } from './container-metrics.js';
import { ImagePulls, imagePullBehavior } from './image-pulls.js';

export const AGENT_VERSION = '0.1.0';
/** The ECS agent's default wait before a stopped task's containers are removed (ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION). */
export const DEFAULT_CLEANUP_WAIT_MS = 10 * 60 * 1000;
const DEFAULT_RESERVED_MEMORY_MIB = 256;
/** How long a stopping task waits for its output to reach CloudWatch Logs before it is reported STOPPED regardless. */
const LOG_FLUSH_TIMEOUT_MS = 30_000;
/** Docker's default bridge gateway, for an engine that does not say. */
const DEFAULT_BRIDGE_GATEWAY = '172.17.0.1';
const REGISTER_RETRY_FIRST_MS = 500;
const REGISTER_RETRY_MAX_MS = 15_000;
/** The cluster the ECS agent creates when it is not told one, and may create if missing. */
const DEFAULT_CLUSTER = 'default';

export interface AgentOptions {
  /** The control plane's ECS endpoint, e.g. `http://localhost:4566`. */
  endpoint: string;
  /** Cluster name or ARN. */
  cluster: string;
  region: string;
  /** Credentials used as they are (root's or an IAM user's), for an agent that did not join with an instance profile. */
  credentials?: Credentials;
  /**
   * The instance the join step made (instance-credentials.ts): the agent signs with its role session only,
   * registers as that instance, keeps the session in its data dir and renews it. `fresh` when just joined;
   * otherwise it was kept by a previous run and is renewed at once.
   */
  instance?: { joined: JoinedInstance; fresh: boolean };
  /** Where the agent keeps its registration, so a restart re-registers as the same instance. */
  dataDir: string;
  runtime: ContainerRuntime;
  log: Logger;
  /** Custom attributes registered with the instance (like ECS_INSTANCE_ATTRIBUTES). */
  attributes?: Record<string, string>;
  /** The host's id, when not hostId()'s (agents whose host sees the server's data dir register the server's). */
  hostId?: string;
  /** Aborting stops the agent's work like stop() does; stop() still awaits the end of it. */
  signal?: AbortSignal;
  /** How long containers of a STOPPED task are kept before removal; default 10 minutes. */
  cleanupWaitMs?: number;
  /** How long a subnet's network outlives its last awsvpc task here (TaskResources' default when unset). */
  networkLingerMs?: number;
  /** Memory (MiB) not offered to tasks; default 256. */
  reservedMemoryMiB?: number;
  instanceType?: string;
  /** On an EC2 instance: what its metadata service says (instance-metadata.ts), registered as it is. */
  ec2Instance?: { identityDocument: string; identitySignature: string; privateIp: string; availabilityZone: string };
  /** The host's resources when they are not the engine's: an instance type's, where instances share one engine. */
  resources?: { cpus: number; memoryMiB: number };
  agentVersion?: string;
  /** Extra environment for each container (the task metadata endpoint plugs in here). */
  containerEnvironment?: ContainerEnvironmentHook;
  /** Offer this host as Wharf-managed capacity: the control plane may place Fargate tasks on it. */
  managedCapacity?: boolean;
  /**
   * The ECS client to call the control plane with, for agents of one process that share the endpoint and
   * credentials (`wharf hollow`); the agent does not destroy it. Absent: its own, from the options above.
   */
  ecs?: ECSClient;
  /** Task-level limits through the host's cgroups (used when the engine's cgroup driver is cgroupfs). */
  cgroups?: TaskCgroups;
  /** Security groups of awsvpc tasks, enforced on the host. */
  firewall?: HostFirewall;
  /** awsvpc interfaces plumbed by the agent itself (it runs on the engine's host), so pause containers start ahead. */
  interfaces?: NamespaceInterfaces;
  /** Routes the task credentials endpoint (169.254.170.2) to this agent. */
  credentialsRouting?: CredentialsRouting;
  /** The resolvers tasks get (Docker's `dns`): Wharf's DNS server, which answers Cloud Map's names and forwards the rest. */
  taskResolvers?: string[];
  /** The Service Connect proxies' configurations and sockets on this host; without it, tasks run without their proxy. */
  serviceConnect?: ServiceConnectProxies;
  /** Give containers AWS_ENDPOINT_URL, the address at which they reach Wharf (default true). */
  endpointEnvironment?: boolean;
  /** The PEM bundle that verifies an HTTPS endpoint (`wharf agent --ca-cert`), for every call the agent makes to it. */
  ca?: string;
  /** What tasks may do here (privileged, SELinux, AppArmor, host paths); default the ECS agent's defaults. */
  security?: SecuritySettings;
  /** How often containers' stats are sampled and sent for CloudWatch (default 10 s; 0: never). */
  metricsIntervalMs?: number;
  /**
   * ECS_ENABLE_SPOT_INSTANCE_DRAINING on a Spot instance: whether EC2 has given its interruption notice (the
   * metadata service's spot/instance-action); the agent then sets its container instance DRAINING.
   */
  spotInterruptionNoticed?: () => Promise<boolean>;
}

/** How an agent ended: stopped (stop() or its signal), or by itself because its instance was deregistered. */
export type AgentEnd = 'stopped' | 'deregistered';

export interface AgentHandle {
  containerInstanceArn: string;
  clusterArn: string;
  ec2InstanceId: string;
  /**
   * Resolves once the agent has stopped. `deregistered`: the control plane no longer knows its instance,
   * so, like ECS's agent, it stopped for good, first stopping and removing its tasks' containers (nothing
   * accounts for them any more) and forgetting its registration (a restart registers a new instance).
   */
  ended: Promise<AgentEnd>;
  /** Stops the agent (its containers keep running; a restarted agent adopts them). */
  stop(): Promise<void>;
}

/** The cluster's ARN, read from a container instance ARN (`container-instance/<cluster>/<id>`). */
function clusterArnOf(containerInstanceArn: string): string {
  const parsed = parseArn(containerInstanceArn);
  if (!parsed) throw new Error(`not an ARN: ${containerInstanceArn}`);
  const cluster = parsed.resource.split('/')[1]!;
  return makeClusterArn(parsed, cluster);
}

const isClientFault = (err: unknown): err is ECSServiceException =>
  err instanceof ECSServiceException && err.$fault === 'client';

export async function startAgent(options: AgentOptions): Promise<AgentHandle> {
  const controller = new AbortController();
  const signal = controller.signal;
  const abort = () => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) abort();

  const log = options.log.child({ component: 'agent', cluster: options.cluster });
  const dataDir = resolve(options.dataDir);
  const { ca } = options;
  const security = options.security ?? DEFAULT_SECURITY_SETTINGS;
  const role = options.instance && new InstanceRoleCredentials({ endpoint: options.endpoint, region: options.region, dataDir, log, ca }, options.instance.joined);
  const credentials = role?.provide ?? options.credentials;
  if (!credentials) throw new Error('the agent needs credentials or an instance from the join step');
  const ownClient = !options.ecs;
  const ecs =
    options.ecs ??
    new ECSClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials,
      ...(ca && { requestHandler: { httpsAgent: new HttpsAgent({ ca, keepAlive: true }) } }),
    });
  try {
    await role?.start(options.instance!.fresh);
    const engineInfo = await options.runtime.info();
    const info = options.resources ? { ...engineInfo, cpus: options.resources.cpus, memoryBytes: options.resources.memoryMiB * 1024 * 1024 } : engineInfo;
    const ec2 = options.ec2Instance;
    const identity: InstanceIdentity = {
      instanceId: role?.instanceId ?? ec2InstanceId(hostname(), dataDir),
      region: options.region,
      instanceType: options.instanceType ?? DEFAULT_INSTANCE_TYPE,
      privateIp: ec2?.privateIp ?? privateIp(networkInterfaces()),
      architecture: info.architecture,
      ...(ec2 && { document: ec2.identityDocument, signature: ec2.identitySignature }),
    };
    const saved = await readRegistration(dataDir);
    const previous = saved?.cluster === options.cluster ? saved.containerInstanceArn : undefined;

    const register = (containerInstanceArn: string | undefined) =>
      ecs.send(
        new RegisterContainerInstanceCommand(
          registrationRequest({
            cluster: options.cluster,
            info,
            identity,
            agentVersion: options.agentVersion ?? AGENT_VERSION,
            reservedMemoryMiB: options.reservedMemoryMiB ?? DEFAULT_RESERVED_MEMORY_MIB,
            customAttributes: options.attributes,
            hostId: options.hostId ?? hostId(),
            security,
            containerInstanceArn,
          }),
        ),
      );

    let reuse = previous;
    let containerInstanceArn: string | undefined;
    for (let attempt = 0; !containerInstanceArn; attempt++) {
      signal.throwIfAborted();
      try {
        const out = await register(reuse);
        containerInstanceArn = out.containerInstance?.containerInstanceArn;
        if (!containerInstanceArn) throw new Error('RegisterContainerInstance returned no containerInstanceArn');
      } catch (err) {
        if (err instanceof ClusterNotFoundException && options.cluster === DEFAULT_CLUSTER) {
          log.info('creating the default cluster');
          await ecs.send(new CreateClusterCommand({ clusterName: DEFAULT_CLUSTER }));
          continue;
        }
        if (isClientFault(err) && reuse) {
          // The saved instance is gone (deregistered): register anew; its containers are still adopted and stopped.
          log.warn('re-registration refused; registering as a new instance', { containerInstanceArn: reuse, error: err.name });
          reuse = undefined;
          continue;
        }
        if (isClientFault(err)) throw err;
        log.warn('registration failed; retrying', { error: err instanceof Error ? err.message : String(err), attempt });
        await sleep(Math.min(REGISTER_RETRY_MAX_MS, REGISTER_RETRY_FIRST_MS * 2 ** attempt), undefined, { signal }).catch(
          () => undefined,
        );
      }
    }
    await saveRegistration(dataDir, { cluster: options.cluster, containerInstanceArn });
    const clusterArn = clusterArnOf(containerInstanceArn);
    const agentLog = log.child({ containerInstanceArn });
    const renewing = role?.run(signal);
    agentLog.info('container instance registered', { ec2InstanceId: identity.instanceId, reused: containerInstanceArn === previous });

    const reporter = new EcsStateReporter(ecs, agentLog, signal);
    // Task cgroups must be made the way the engine makes its own: by path with cgroupfs (systemd names slices).
    const cgroups = info.cgroupDriver === 'cgroupfs' ? options.cgroups : undefined;
    if (options.cgroups && !cgroups) agentLog.warn('task cgroups unavailable: containers get task limits themselves', { cgroupDriver: info.cgroupDriver });
    const resources = new TaskResources({
      runtime: options.runtime,
      log: agentLog,
      cluster: options.cluster,
      containerInstanceArn,
      architecture: info.architecture,
      cgroups,
      networkLingerMs: options.networkLingerMs,
      firewall: options.firewall,
      interfaces: options.interfaces,
      resolvers: options.taskResolvers,
      serviceConnect: options.serviceConnect,
      proxyReported: (task, change) =>
        reporter.submitContainerStateChange({ cluster: task.clusterArn, task: task.taskArn, containerName: task.serviceConnect!.containerName, ...change }),
    });
    const proxyWatch = resources.watchProxies(signal).catch((err: Error) => agentLog.error('service connect proxies not watched', { error: err.message }));
    const bridgeGateway = (await options.runtime.networkGateway('bridge').catch(() => undefined)) ?? DEFAULT_BRIDGE_GATEWAY;
    const taskEndpoint = await CredentialsEndpoint.start({
      dataDir,
      runtime: options.runtime,
      log: agentLog,
      region: options.region,
      endpoint: options.endpoint,
      endpointEnvironment: options.endpointEnvironment,
      bridgeGateway,
      routing: options.credentialsRouting,
      scope: containerInstanceArn,
      engine: () => engine,
    });
    // Containers that log with awslogs: the agent sends their output to CloudWatch Logs as the task's execution role, else as the instance.
    const executionRoleCredentials = new Map<string, RoleCredentials>();
    const awslogs = new AwslogsShipper({
      runtime: options.runtime,
      log: agentLog,
      dataDir,
      endpoint: options.endpoint,
      ca,
      region: options.region,
      credentials: async (taskArn) => {
        const role = executionRoleCredentials.get(taskArn);
        if (role) return { accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey, sessionToken: role.sessionToken };
        return typeof credentials === 'function' ? credentials() : credentials;
      },
    });
    const followOutput = () => {
      const snapshots = engine.taskArns().flatMap((arn) => engine.snapshot(arn) ?? []);
      for (const snapshot of snapshots) awslogs.sync(snapshot);
      awslogs.retain(snapshots);
      for (const taskArn of executionRoleCredentials.keys()) if (!snapshots.some((s) => s.taskArn === taskArn)) executionRoleCredentials.delete(taskArn);
    };
    const engine: TaskEngine = new TaskEngine({
      runtime: options.runtime,
      // ECR images: registry auth from GetAuthorizationToken here; ECS_IMAGE_PULL_BEHAVIOR as the ECS agent reads it.
      images: new ImagePulls({ runtime: options.runtime, ecr: { endpoint: options.endpoint, region: options.region, ca, instanceCredentials: credentials, executionCredentials: (taskArn) => taskEndpoint.server.executionCredentials(taskArn) }, behavior: imagePullBehavior(process.env.ECS_IMAGE_PULL_BEHAVIOR), log: agentLog }),
      reporter,
      log: agentLog,
      cluster: options.cluster,
      containerInstanceArn,
      resources,
      previousContainerInstanceArns: saved && saved.containerInstanceArn !== containerInstanceArn ? [saved.containerInstanceArn] : [],
      cleanupWaitMs: options.cleanupWaitMs ?? DEFAULT_CLEANUP_WAIT_MS,
      security,
      resolvers: options.taskResolvers,
      // No container is made before the first assignment, by which time the endpoint is listening.
      containerEnvironment: (task, name) => ({ ...taskEndpoint.environment(task), ...metadata.environment(task, name), ...options.containerEnvironment?.(task, name) }),
      startable: (taskArn) => taskEndpoint.server.ready(taskArn),
      containerStarted: (taskArn) => {
        taskEndpoint.reroute();
        const snapshot = engine.snapshot(taskArn);
        if (snapshot) awslogs.sync(snapshot);
      },
      beforeStopped: (taskArn) => awslogs.flush(engine.snapshot(taskArn), LOG_FLUSH_TIMEOUT_MS),
    });
    await engine.start();
    const metadata = await startMetadataServer(dataDir, {
      engine,
      runtime: options.runtime,
      log: agentLog,
      region: options.region,
      bridgeGateway,
      taskProtection: ecsTaskProtectionClient({ endpoint: options.endpoint, region: options.region, ca }),
      taskCredentials: (taskArn) => taskRoleCredentials.get(taskArn),
    });
    // Each task role's latest credentials, for the calls the agent makes on a task's behalf (task protection).
    let taskRoleCredentials = new Map<string, RoleCredentials>();

    let end!: (how: AgentEnd) => void;
    const ended = new Promise<AgentEnd>((resolve) => (end = resolve));
    let stopped: Promise<void> | undefined;
    const stop = (how: AgentEnd) =>
      (stopped ??= (async () => {
        abort();
        options.signal?.removeEventListener('abort', abort);
        await Promise.all([channel.done, engine.close(), awslogs.close(), metadata.close(), taskEndpoint.close(), renewing, sampling, spotDraining, proxyWatch]);
        await resources.close();
        if (ownClient) ecs.destroy();
        agentLog.info('agent stopped', { how });
        end(how);
      })());
    const retire = async (closeCode: number) => {
      agentLog.warn('container instance deregistered; stopping its tasks and the agent for good', { closeCode });
      await engine.retire('container instance deregistered');
      // Stopped before every container was gone: keep the registration, so a restart adopts what is left.
      if (signal.aborted) return;
      await forgetRegistration(dataDir);
      await stop('deregistered');
    };

    // The control plane's assignment as the channel last said it: whole at each connection, then changed.
    const assignment = new Map<string, TaskAssignment>();
    const channel = new AgentChannel({
      discover: async () => {
        const out = await ecs.send(new DiscoverPollEndpointCommand({ cluster: clusterArn, containerInstance: containerInstanceArn }));
        if (!out.endpoint) throw new Error('DiscoverPollEndpoint returned no endpoint');
        return out.endpoint;
      },
      clusterArn,
      containerInstanceArn,
      managedCapacity: options.managedCapacity,
      region: options.region,
      credentials,
      ca,
      log: agentLog,
      signal,
      onMessage: (message) => {
        if (message.type === 'tasks') assignment.clear();
        else for (const taskArn of message.removed) assignment.delete(taskArn);
        for (const task of message.tasks) assignment.set(task.taskArn, task);
        const tasks = [...assignment.values()];
        taskRoleCredentials = new Map(tasks.flatMap((t) => (t.roleCredentials?.task ? [[t.taskArn, t.roleCredentials.task] as const] : [])));
        taskEndpoint.update(tasks);
        for (const task of message.tasks) if (task.roleCredentials?.execution) executionRoleCredentials.set(task.taskArn, task.roleCredentials.execution);
        if (message.type === 'tasks') engine.setAssignment(message.tasks);
        else engine.changeAssignment(message.tasks, message.removed);
        // After a restart, adopted containers' output is followed again from where it was left.
        followOutput();
      },
      onOpen: () => {
        const health = [...engine.health(), ...resources.proxyHealth()];
        if (health.length) channel.send({ type: 'health', health });
      },
      onInstanceGone: (closeCode) => {
        retire(closeCode).catch((err: unknown) =>
          agentLog.error('agent retirement failed', { error: err instanceof Error ? err.message : String(err) }),
        );
      },
    });
    // Health changes go in one message per turn, as ECS's agent publishes health in batches: the containers an
    // assignment started together become healthy together, and the control plane records them in one mutation.
    let unsent: ContainerHealth[] = [];
    const sendHealth = (health: ContainerHealth[]) => {
      if (unsent.length === 0)
        setImmediate(() => {
          const batch = unsent;
          unsent = [];
          channel.send({ type: 'health', health: batch });
        });
      unsent.push(...health);
    };
    engine.onHealth(sendHealth);
    resources.onProxyHealth(sendHealth);
    const metricsIntervalMs = options.metricsIntervalMs ?? DEFAULT_METRICS_INTERVAL_MS;
    const sampling =
      metricsIntervalMs > 0
        ? sampleContainerMetrics({
            runtime: options.runtime,
            log: agentLog,
            intervalMs: metricsIntervalMs,
            tasks: () => engine.taskArns().flatMap((arn) => engine.snapshot(arn) ?? []),
            send: (stats) => channel.send({ type: 'stats', stats }),
            serviceConnect: { stats: () => resources.serviceConnectStats(), send: (stats) => channel.send({ type: 'serviceConnectStats', stats }) },
            signal,
          })
        : undefined;

    const noticed = options.spotInterruptionNoticed;
    const spotDraining = noticed
      ? drainOnSpotNotice({
          noticed,
          drain: async () => void (await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: clusterArn, containerInstances: [containerInstanceArn], status: 'DRAINING' }))),
          signal,
          log: agentLog,
        })
      : undefined;

    return {
      containerInstanceArn,
      clusterArn,
      ec2InstanceId: identity.instanceId,
      ended,
      stop: () => stop('stopped'),
    };
  } catch (err) {
    abort();
    options.signal?.removeEventListener('abort', abort);
    if (ownClient) ecs.destroy();
    throw err;
  }
}
