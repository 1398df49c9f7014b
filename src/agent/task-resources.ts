// What a task holds on the host besides its containers, set up before its first container and released
// once its last one has stopped (before the task is reported STOPPED, so nothing outlives it):
// - awsvpc: a network namespace with the task's own address, held by a pause container on a Wharf-managed
//   bridge network for its subnet (one per subnet on this host, its address plan the subnet's CIDR, removed
//   with its last task); the task's containers join that namespace. The firewall lets in only what the
//   task's security groups allow.
// - task-level CPU and memory: a cgroup the task's containers are made under (when the engine's cgroups
//   are the host's to manage).
// - Service Connect: the task's proxy container (ECS's Service Connect agent; HAProxy here), started before
//   the task's containers, with the client aliases resolving to it in each of them: awsvpc tasks through their
//   pause container's hosts (the namespace the proxy joins, its listeners on 127.255.0.x), bridge tasks
//   through each container's extra hosts (the proxy's own address). Its endpoints follow the assignment. Its
//   ingress listeners (the server side) take the task's calls: awsvpc, by a redirect of the task's port in its
//   namespace; bridge, on host ports published for them (reported as the proxy container's bindings).
// Like the ECS agent's pause container, it is found again by its labels after an agent restart.
import { randomBytes } from 'node:crypto';
import type { ContainerHealth, ServiceConnectStats, TaskAssignment } from '../core/agent-protocol.js';
import { lastSegment } from '../core/arn.js';
import type { Logger } from '../core/ports.js';
import {
  isRuntimeError,
  type ContainerRuntime,
  type ContainerSpec,
  type FirewalledAddress,
  type HostFirewall,
  type NamespaceInterfaces,
  type NetworkBinding,
  type PortRedirect,
  type ServiceConnectProxies,
  type ServiceConnectProxyConfig,
  type TaskCgroups,
  SERVICE_CONNECT_PROXY_DIR,
} from '../core/runtime.js';
import { LABELS, taskId, type TaskHostResources } from './container-config.js';
import { watchRuntimeEvents } from './runtime-watch.js';

/** Labels Wharf puts on what it makes for a task's network. */
export const NETWORK_LABELS = {
  /**
   * On a pause container, the container instance whose agent owns it: it holds a task's network namespace (it
   * is no container of the task definition, and not one the agent adopts or drains: it goes with its task).
   */
  pause: 'wharf.pause-of',
  /** On a network: the subnet it stands for. */
  subnetId: 'wharf.subnet-id',
  /** On a network: Wharf made it for awsvpc tasks (value `awsvpc`). */
  network: 'wharf.network',
  /** On a Service Connect proxy container, the container instance whose agent owns it (it goes with its task). */
  serviceConnect: 'wharf.service-connect-of',
} as const;

/** What ECS names the pause container in the task metadata (v3 shows it). */
export const PAUSE_CONTAINER_NAME = '~internal~ecs~pause';

export interface TaskResourcesOptions {
  runtime: ContainerRuntime;
  log: Logger;
  /** The agent's configured cluster, as the ECS labels name it. */
  cluster: string;
  containerInstanceArn: string;
  /** The engine's architecture (the pause executable is built for it). */
  architecture: string;
  /** Task-level limits, when the engine's cgroups are the host's to manage. */
  cgroups?: TaskCgroups;
  /** Security groups, when the host can filter packets. */
  firewall?: HostFirewall;
  /**
   * Plumbs task interfaces into pause containers' namespaces, when the agent runs on the engine's host: pause
   * containers are then started ahead of need. Without it, the engine attaches them to the subnet's network.
   */
  interfaces?: NamespaceInterfaces;
  /** The resolvers an awsvpc task's pause container (and so each of its containers) gets: Wharf's DNS server. */
  resolvers?: string[];
  /** The Service Connect proxies' configurations and sockets; without it, tasks run without their proxy. */
  serviceConnect?: ServiceConnectProxies;
  /** A task's proxy container started or went: its status as the container of the task ECS lists (`serviceConnect.containerName`). */
  proxyReported?: (task: TaskAssignment, change: ProxyChange) => void;
  /** How many pause containers are kept ready (with `interfaces`); default 2. */
  warmPauses?: number;
  /** How long a subnet's network (and the emptied firewall rules) outlives its last task here; default 30 s. */
  networkLingerMs?: number;
}

interface Held {
  task: TaskAssignment;
  /** Once the task's containers can be made: the namespace they join (its interface perhaps not yet in it), the cgroup. */
  creatable: Promise<TaskHostResources>;
  /** Once they can start: everything set up. */
  prepared: Promise<TaskHostResources>;
}

type ExtraHost = { hostname: string; ipAddress: string };

/** What the agent reports of a task's proxy container. */
export interface ProxyChange {
  status: 'RUNNING' | 'STOPPED';
  runtimeId: string;
  /** Bridge: the host ports its ingress listeners are published on (where Cloud Map registers the task). */
  networkBindings?: NetworkBinding[];
  /** It stopped on its own, with this exit code (one removed with its task has none). */
  exitCode?: number;
}

/**
 * The addresses a task's proxy listens on: awsvpc, one loopback address per client alias (so two aliases may
 * share a port), in 127.255.0.0/16 as ECS gives them; bridge, every address of its own container, one
 * listener per port (of aliases sharing a port, the first).
 */
export function proxyListeners(task: TaskAssignment): ServiceConnectProxyConfig['listeners'] {
  const listeners = task.serviceConnect?.listeners ?? [];
  if (task.network) return listeners.map((l, i) => ({ ...l, address: `127.255.${(i + 1) >> 8}.${(i + 1) & 255}` }));
  // The ingress listeners hold their ports on every address.
  const ports = new Set<number>(task.serviceConnect?.ingress.map((g) => g.port));
  return listeners.flatMap((l) => (ports.has(l.port) ? [] : (ports.add(l.port), [{ ...l, address: '0.0.0.0' }])));
}

/** The task's proxy as it is configured: its listeners, their endpoints, its ingress listeners. */
const proxyConfig = (task: TaskAssignment): ServiceConnectProxyConfig => ({
  listeners: proxyListeners(task),
  endpoints: task.serviceConnect!.endpoints,
  ingress: task.serviceConnect!.ingress,
});

const DEFAULT_WARM_PAUSES = 2;
const DEFAULT_NETWORK_LINGER_MS = 30_000;

/** The Docker network of a subnet on this host. */
export const subnetNetworkName = (subnetId: string) => `wharf-${subnetId}`;
/** Its bridge device (a host interface name: at most 15 characters). */
export const bridgeName = (subnetId: string) => `wh-${subnetId.slice(-12)}`;
/** A task's pause container, named as ECS's agent names it, ending in the task's id (by which it is found). */
const pauseName = (task: TaskAssignment) =>
  `ecs-${task.taskDefinition.family}-${task.taskDefinition.revision}-internalecspause-${taskId(task)}`.replace(/[^a-zA-Z0-9_.-]/g, '');
/** A pause container kept ready, until a task claims (and renames) it. */
const warmPauseName = () => `wharf-pause-ready-${randomBytes(6).toString('hex')}`;
/** A task's Service Connect proxy container, named as the ECS agent names a task's containers, ending in the task's id. */
const proxyName = (task: TaskAssignment) =>
  `ecs-${task.taskDefinition.family}-${task.taskDefinition.revision}-${task.serviceConnect!.containerName}-${taskId(task)}`.replace(/[^a-zA-Z0-9_.-]/g, '');

export class TaskResources {
  private readonly held = new Map<string, Held>();
  /** Pause containers started ahead of the tasks that will need them. */
  private readonly warm: Promise<string>[] = [];
  /** Subnets whose network this agent knows to exist. */
  private readonly networks = new Set<string>();
  /** Subnets whose network waits out its linger before it goes. */
  private readonly lingering = new Map<string, NodeJS.Timeout>();
  /** Work on one subnet's network (create, attach, remove) runs one at a time. */
  private readonly subnetQueues = new Map<string, Promise<unknown>>();
  /** The tasks whose proxy runs, by task ARN: its container's name (ECS shows it HEALTHY while it serves) and id. */
  private readonly runningProxies = new Map<string, { containerName: string; runtimeId: string }>();
  private readonly proxyHealthListeners = new Set<(health: ContainerHealth[]) => void>();
  /** What the firewall was last told, to tell it only of changes. */
  private applied: string | undefined;
  private firewallQueue: Promise<unknown> = Promise.resolve();
  /** Pause containers an earlier run of the agent left, by task id, as first found (leftFor). */
  private leftBehind?: Promise<Map<string, string[]>>;
  /** The agent's emptied rules wait out the linger before they leave the filter. */
  private firewallLinger?: NodeJS.Timeout;

  constructor(private readonly options: TaskResourcesOptions) {}

  /** The health of every running proxy, as its task's Service Connect container (for a fresh channel). */
  proxyHealth(): ContainerHealth[] {
    return [...this.runningProxies].map(([taskArn, { containerName }]) => ({ taskArn, containerName, healthStatus: 'HEALTHY' }));
  }

  /** Hears each proxy that starts serving (or is adopted): its container is HEALTHY, as ECS shows a serving one. */
  onProxyHealth(listener: (health: ContainerHealth[]) => void): () => void {
    this.proxyHealthListeners.add(listener);
    return () => this.proxyHealthListeners.delete(listener);
  }

  /** The proxy of `task` started or was adopted: reported RUNNING, and HEALTHY. */
  private proxyRunning(task: TaskAssignment, change: ProxyChange): void {
    const containerName = task.serviceConnect!.containerName;
    this.runningProxies.set(task.taskArn, { containerName, runtimeId: change.runtimeId });
    this.options.proxyReported?.(task, change);
    for (const listener of this.proxyHealthListeners) listener([{ taskArn: task.taskArn, containerName, healthStatus: 'HEALTHY' }]);
  }

  /**
   * Watches the running proxies until `signal` aborts: one that stops on its own (not removed with its task) is
   * reported STOPPED with its exit code, and, essential as on ECS, stops its task.
   */
  async watchProxies(signal: AbortSignal): Promise<void> {
    const { runtime, log, containerInstanceArn } = this.options;
    const labels = { [NETWORK_LABELS.serviceConnect]: containerInstanceArn };
    const check = (taskArn: string) => void this.checkProxy(taskArn).catch((err: Error) => log.warn('service connect proxy not inspected', { taskArn, error: err.message }));
    await watchRuntimeEvents(await runtime.events(labels, signal), {
      runtime,
      labels,
      log,
      signal,
      onEvent: (event) => {
        if (event.kind !== 'die') return;
        for (const [taskArn, proxy] of this.runningProxies) if (proxy.runtimeId === event.containerId) check(taskArn);
      },
      onResumed: () => {
        for (const taskArn of this.runningProxies.keys()) check(taskArn);
      },
    });
  }

  private async checkProxy(taskArn: string): Promise<void> {
    const proxy = this.runningProxies.get(taskArn);
    if (!proxy) return;
    const state = await this.options.runtime.inspectContainer(proxy.runtimeId).catch(() => undefined);
    const held = this.held.get(taskArn);
    // Gone with its task meanwhile (release forgets it first), or still serving.
    if (state?.status === 'running' || this.runningProxies.get(taskArn) !== proxy || !held) return;
    this.runningProxies.delete(taskArn);
    this.options.log.warn('service connect proxy stopped', { taskArn, exitCode: state?.exitCode });
    this.options.proxyReported?.(held.task, { status: 'STOPPED', runtimeId: proxy.runtimeId, exitCode: state?.exitCode ?? 137 });
  }

  /** Whether a task needs anything on the host besides its containers. */
  needs(task: TaskAssignment): boolean {
    const definition = task.taskDefinition;
    return (
      task.network !== undefined ||
      this.proxied(task) ||
      (this.options.cgroups !== undefined && (definition.cpu !== undefined || definition.memory !== undefined))
    );
  }

  /** Whether the task gets a Service Connect proxy here (awsvpc and bridge tasks, as on ECS). */
  private proxied(task: TaskAssignment): boolean {
    const mode = task.taskDefinition.networkMode ?? 'bridge';
    return this.options.serviceConnect !== undefined && task.serviceConnect !== undefined && (mode === 'awsvpc' || mode === 'bridge');
  }

  /** Sets up what the task holds (once; later calls answer the same); rejects when it cannot be. */
  prepare(task: TaskAssignment): Promise<TaskHostResources> {
    return this.setUpOnce(task).prepared;
  }

  /**
   * What the task's containers are made with, as soon as they can be made (before the task's interface is
   * in its namespace: `prepare` says when they can start); rejects when it cannot be set up.
   */
  creatable(task: TaskAssignment): Promise<TaskHostResources> {
    return this.setUpOnce(task).creatable;
  }

  private setUpOnce(task: TaskAssignment): Held {
    let held = this.held.get(task.taskArn);
    if (!held) {
      held = { task, ...this.setUp(task) };
      held.creatable.catch(() => undefined); // a failure shows through `prepare`
      this.held.set(task.taskArn, held);
    }
    return held;
  }

  /** Releases what the task holds: its pause container, its cgroup, its firewall rules, its subnet's network when unused. */
  async release(taskArn: string): Promise<void> {
    const held = this.held.get(taskArn);
    await held?.prepared.catch(() => undefined);
    this.held.delete(taskArn);
    this.runningProxies.delete(taskArn);
    // A task known here without Service Connect has no proxy to look for (an adopted one may).
    const proxies = !held || this.proxied(held.task) ? await this.removeProxy(taskArn) : [];
    if (held && this.proxied(held.task)) for (const runtimeId of proxies) this.options.proxyReported?.(held.task, { status: 'STOPPED', runtimeId });
    await this.removePause(taskArn);
    const network = held?.task.network;
    if (network) {
      await this.refreshFirewall();
      this.lingerNetwork(network.subnetId);
    }
    await this.options.cgroups?.remove(lastSegment(taskArn)).catch((err: Error) =>
      this.options.log.warn('task cgroup not removed', { taskArn, error: err.message }),
    );
  }

  /** Takes the latest assignment of each task (security group rules change while tasks run). */
  update(assignments: readonly TaskAssignment[]): void {
    let changed = false;
    for (const a of assignments) {
      const held = this.held.get(a.taskArn);
      const rules = (n: TaskAssignment['network']) => JSON.stringify([n?.ingress, n?.egress]);
      if (held && a.network && rules(a.network) !== rules(held.task.network)) {
        held.task = { ...held.task, network: a.network };
        changed = true;
      }
      const targets = (sc: TaskAssignment['serviceConnect']) => JSON.stringify([sc?.endpoints, sc?.ingress]);
      if (held && a.serviceConnect && targets(a.serviceConnect) !== targets(held.task.serviceConnect)) {
        held.task = { ...held.task, serviceConnect: { ...held.task.serviceConnect!, endpoints: a.serviceConnect.endpoints, ingress: a.serviceConnect.ingress } };
        void this.updateProxy(held);
      }
    }
    if (changed) void this.refreshFirewall().catch(() => undefined);
  }

  /** Removes pause containers and networks that no task of this agent holds (left by a crash); call once tasks are known. */
  async sweep(known: ReadonlySet<string>): Promise<void> {
    const ids = new Set([...known, ...this.held.keys()].map((arn) => lastSegment(arn)));
    const warm = new Set((await Promise.allSettled(this.warm)).flatMap((w) => (w.status === 'fulfilled' ? [w.value] : [])));
    for (const pause of await this.pauses()) {
      if (warm.has(pause.id) || ids.has(pause.name.split('-').at(-1)!)) continue;
      this.options.log.info('orphaned pause container removed', { name: pause.name });
      await this.options.runtime.removeContainer(pause.id);
    }
    for (const proxy of await this.options.runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: this.options.containerInstanceArn })) {
      if (ids.has(proxy.name.split('-').at(-1)!)) continue;
      this.options.log.info('orphaned service connect proxy removed', { name: proxy.name });
      await this.options.runtime.removeContainer(proxy.id);
    }
    for (const name of await this.options.runtime.listNetworks({ [LABELS.containerInstanceArn]: this.options.containerInstanceArn })) {
      const subnetId = name.replace(/^wharf-/, '');
      await this.onSubnet(subnetId, () => this.removeNetworkIfUnused(subnetId));
    }
    await this.refreshFirewall();
  }

  /**
   * Removes the pause containers kept ready, and the networks and firewall rules waiting out their linger (the
   * agent is stopping; tasks' own stay for a restart to adopt).
   */
  async close(): Promise<void> {
    const lingering = [...this.lingering.keys()];
    for (const timer of this.lingering.values()) clearTimeout(timer);
    this.lingering.clear();
    for (const subnetId of lingering) {
      await this.onSubnet(subnetId, () => this.removeNetworkIfUnused(subnetId)).catch((err: Error) =>
        this.options.log.warn('subnet network not removed', { subnetId, error: err.message }),
      );
    }
    if (this.firewallLinger) {
      clearTimeout(this.firewallLinger);
      await this.removeFirewallIfUnused().catch(() => undefined);
    }
    const warm = await Promise.allSettled(this.warm.splice(0));
    for (const w of warm) if (w.status === 'fulfilled') await this.options.runtime.removeContainer(w.value);
  }

  private setUp(task: TaskAssignment): Pick<Held, 'creatable' | 'prepared'> {
    const { runtime, cgroups, interfaces, log } = this.options;
    const definition = task.taskDefinition;
    const limits = cgroups && (definition.cpu !== undefined || definition.memory !== undefined);
    const cgroup = limits
      ? cgroups.create(taskId(task), {
          ...(definition.cpu !== undefined && { cpuUnits: Number(definition.cpu) }),
          ...(definition.memory !== undefined && { memoryMiB: Number(definition.memory) }),
        })
      : Promise.resolve(undefined);
    const network = task.network;
    if (!network) {
      const prepared = (async () => {
        const resources: TaskHostResources = { cgroupParent: await cgroup };
        if (this.proxied(task)) {
          // Each container reaches the proxy at its own address on the bridge.
          const { ipv4Addresses = [] } = await runtime.inspectContainer(await this.startProxy(task, resources, true));
          if (ipv4Addresses[0]) resources.extraHosts = proxyListeners(task).map((l) => ({ hostname: l.dnsName, ipAddress: ipv4Addresses[0]! }));
        }
        return resources;
      })();
      return { creatable: prepared, prepared };
    }
    // The client aliases resolve in the task's namespace to the proxy's loopback listeners.
    const aliases = this.proxied(task) ? proxyListeners(task).map((l) => ({ hostname: l.dnsName, ipAddress: l.address })) : undefined;
    // All at once: the cgroup, the firewall rules (in force before the task is reachable), and the pause
    // container (one kept ready, when interfaces are plumbed here) with the subnet's network. A pause
    // container an earlier run of the agent left for the task still holds its namespace, as it was. With
    // the pause container known before its interface is plumbed (or it is named for the task), the task's
    // containers are made meanwhile.
    const begun = (async () => {
      // Queued, so it reads the held tasks once this one is among them.
      const firewall = this.refreshFirewall();
      firewall.catch(() => undefined); // awaited by `prepared`
      const adopted = await this.runningPauseOf(task.taskArn);
      const [cgroupParent, pause] = await Promise.all([cgroup, interfaces && !adopted ? this.claimPause(task, aliases) : undefined]);
      // Inspected now (the process whose namespace is plumbed), alongside the network's creation.
      const pid = pause && runtime.inspectContainer(pause.id);
      pid?.catch(() => undefined); // awaited by the plumbing
      const plumbed = this.onSubnet(network.subnetId, async () => {
        const spec = {
          name: subnetNetworkName(network.subnetId),
          subnet: network.subnetCidr,
          gateway: network.gateway,
          bridgeName: bridgeName(network.subnetId),
          labels: { [NETWORK_LABELS.subnetId]: network.subnetId, [NETWORK_LABELS.network]: 'awsvpc', [LABELS.containerInstanceArn]: this.options.containerInstanceArn },
        };
        if (!this.networks.has(network.subnetId)) {
          await runtime.ensureNetwork(spec).catch(async (err: unknown) => {
            if (!isRuntimeError(err, 'Conflict')) throw err;
            // The range is another Wharf network's: one left empty (by an agent that is gone) is reclaimed.
            await this.reclaimStaleNetworks(spec.name);
            await runtime.ensureNetwork(spec);
          });
          this.networks.add(network.subnetId);
        }
        if (adopted) return adopted;
        if (!pause) return this.startAttachedPause(task, cgroupParent, aliases);
        await interfaces!.attach((await pid!).pid!, {
          id: taskId(task).slice(-12),
          bridge: spec.bridgeName,
          address: network.privateIpv4Address,
          prefixLength: Number(network.subnetCidr.split('/')[1]),
          gateway: network.gateway,
          macAddress: network.macAddress,
        });
        await pause.named;
        return pause.id;
      });
      plumbed.catch(() => undefined); // awaited by `prepared`
      return { cgroupParent, early: adopted ?? pause?.id, plumbed, firewall, adopted };
    })();
    const creatable = begun.then(async ({ cgroupParent, early, plumbed }): Promise<TaskHostResources> => ({ cgroupParent, networkContainer: early ?? (await plumbed) }));
    const prepared = begun.then(async ({ cgroupParent, plumbed, firewall, adopted }): Promise<TaskHostResources> => {
      const [networkContainer] = await Promise.all([plumbed, firewall]);
      log.info('task network ready', { taskArn: task.taskArn, address: network.privateIpv4Address, subnetId: network.subnetId });
      const resources = { cgroupParent, networkContainer };
      // A proxy left running is kept only with the namespace it joined.
      if (aliases) await this.startProxy(task, resources, adopted !== undefined);
      return resources;
    });
    return { creatable, prepared };
  }

  /**
   * Starts the task's Service Connect proxy, configured with the task's listeners and endpoints; one that
   * fails to start is removed. One an earlier run of the agent left running (`adoptable`: in the namespace the
   * task still has) keeps serving, and reloads that configuration: its address and connections stay.
   */
  private async startProxy(task: TaskAssignment, host: TaskHostResources, adoptable: boolean): Promise<string> {
    const { runtime, serviceConnect, cluster, containerInstanceArn, resolvers } = this.options;
    const left = adoptable ? await this.runningProxyOf(task.taskArn) : undefined;
    if (!left) await this.removeProxy(task.taskArn);
    const dir = serviceConnect!.configure(taskId(task), proxyConfig(task));
    const ingress = task.serviceConnect!.ingress;
    if (left) {
      await serviceConnect!.reload(taskId(task));
      this.options.log.info('service connect proxy adopted', { taskArn: task.taskArn });
      this.proxyRunning(task, { status: 'RUNNING', runtimeId: left, ...(await this.published(left, ingress)) });
      return left;
    }
    const id = await runtime.createContainer({
      name: proxyName(task),
      image: await runtime.ensureServiceConnectImage(),
      labels: { [LABELS.cluster]: cluster, [NETWORK_LABELS.serviceConnect]: containerInstanceArn },
      networkMode: 'bridge',
      networkContainer: host.networkContainer,
      dnsServers: host.networkContainer ? undefined : resolvers,
      mounts: [{ kind: 'bind', source: dir, containerPath: SERVICE_CONNECT_PROXY_DIR, readOnly: false }],
      // Bridge: the ingress listeners on ephemeral host ports, as ECS publishes its proxy's.
      ...(!host.networkContainer && ingress.length && { ports: ingress.map((g) => ({ containerPort: g.port, protocol: 'tcp' as const })) }),
      cgroupParent: host.cgroupParent,
      stopTimeoutSeconds: 2,
    });
    try {
      await runtime.startContainer(id);
      // awsvpc: connections for the task's ports go to the ingress listeners, as ECS intercepts them.
      const redirects = ingress.flatMap((g) => (g.interceptPort === undefined ? [] : [{ port: g.interceptPort, toPort: g.port }]));
      if (redirects.length) await this.intercept(task, host, redirects);
    } catch (err) {
      await runtime.removeContainer(id);
      throw err;
    }
    this.options.log.info('service connect proxy started', { taskArn: task.taskArn, listeners: task.serviceConnect!.listeners.length, ingress: ingress.length });
    this.proxyRunning(task, { status: 'RUNNING', runtimeId: id, ...(await this.published(id, ingress)) });
    return id;
  }

  /** Redirects connections in the task's namespace (its pause container's) to the proxy's ingress listeners. */
  private async intercept(task: TaskAssignment, host: TaskHostResources, redirects: PortRedirect[]): Promise<void> {
    const { interfaces, runtime, log } = this.options;
    if (!interfaces) {
      // Without plumbing here, the task is reached at its port directly (its proxy's ingress only on an override).
      log.warn('service connect ingress not intercepted: no namespace plumbing on this host', { taskArn: task.taskArn });
      return;
    }
    const { pid } = await runtime.inspectContainer(host.networkContainer!);
    await interfaces.redirect(pid!, redirects);
  }

  /** Bridge: the host ports the proxy's ingress listeners are published on. */
  private async published(id: string, ingress: readonly { port: number }[]): Promise<Pick<ProxyChange, 'networkBindings'>> {
    if (!ingress.length) return {};
    const { networkBindings } = await this.options.runtime.inspectContainer(id);
    return networkBindings.length ? { networkBindings } : {};
  }

  /** Gives the task's running proxy its latest endpoints; a proxy not answering yet is tried again a second later. */
  private async updateProxy(held: Held): Promise<void> {
    if (!(await held.prepared.then(() => true, () => false))) return;
    const { endpoints, ingress } = held.task.serviceConnect!;
    try {
      await this.options.serviceConnect!.update(taskId(held.task), { endpoints, ingress });
    } catch (err) {
      this.options.log.warn('service connect proxy not updated', { taskArn: held.task.taskArn, error: (err as Error).message });
      setTimeout(() => {
        if (this.held.get(held.task.taskArn) === held && held.task.serviceConnect!.endpoints === endpoints && held.task.serviceConnect!.ingress === ingress) void this.updateProxy(held);
      }, 1000).unref();
    }
  }

  /** What each running proxy has carried to each Cloud Map service since it started. */
  async serviceConnectStats(): Promise<ServiceConnectStats[]> {
    const proxies = this.options.serviceConnect;
    if (!proxies) return [];
    const stats = await Promise.all(
      [...this.held.values()].filter((h) => this.proxied(h.task)).map(async (h) => {
        const traffic = await proxies.traffic(taskId(h.task)).catch(() => new Map());
        return [...traffic].map(([serviceId, counters]): ServiceConnectStats => ({ taskArn: h.task.taskArn, serviceId, ...counters }));
      }),
    );
    return stats.flat();
  }

  /** The task's proxy container left running by an earlier run of the agent, if any (others go). */
  private async runningProxyOf(taskArn: string): Promise<string | undefined> {
    const suffix = `-${lastSegment(taskArn)}`;
    let running: string | undefined;
    for (const c of await this.options.runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: this.options.containerInstanceArn })) {
      if (!c.name.endsWith(suffix)) continue;
      const state = await this.options.runtime.inspectContainer(c.id).catch(() => undefined);
      if (state?.status === 'running' && !running) running = c.id;
      else await this.options.runtime.removeContainer(c.id);
    }
    return running;
  }

  /** Removes the task's proxy container and its directory; answers the containers removed. */
  private async removeProxy(taskArn: string): Promise<string[]> {
    const suffix = `-${lastSegment(taskArn)}`;
    const removed: string[] = [];
    for (const c of await this.options.runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: this.options.containerInstanceArn })) {
      if (!c.name.endsWith(suffix)) continue;
      await this.options.runtime.removeContainer(c.id);
      removed.push(c.id);
    }
    if (!this.held.has(taskArn)) this.options.serviceConnect?.remove(lastSegment(taskArn));
    return removed;
  }

  /**
   * A running pause container for the task: one kept ready (replaced at once), or a new one; `named` once it
   * bears the task's name (by which it is found again). Its network namespace is empty until the task's
   * interface is plumbed into it.
   */
  private async claimPause(task: TaskAssignment, extraHosts?: ExtraHost[]): Promise<{ id: string; named: Promise<void> }> {
    // A task with hosts of its own needs them from its pause container's creation: a fresh one.
    const ready = extraHosts ? undefined : this.warm.shift();
    const fresh = () => this.startPause(warmPauseName(), { networkMode: 'none', extraHosts });
    const id = await (ready ?? fresh()).catch(fresh);
    const named = this.options.runtime.renameContainer(id, pauseName(task));
    named.catch(() => undefined); // awaited by the plumbing
    return { id, named };
  }

  /**
   * The task has started and its RUNNING is delivered. The pause containers kept ready are topped up now, not
   * when one is claimed: a container start is the engine's heaviest work, and beside the task's own start and
   * report it slows them.
   */
  taskRunning(taskArn: string): void {
    if (this.options.interfaces && this.held.get(taskArn)?.task.network) this.fillWarm();
  }

  /** Keeps `warmPauses` pause containers started ahead of the tasks that will need them. */
  private fillWarm(): void {
    while (this.warm.length < (this.options.warmPauses ?? DEFAULT_WARM_PAUSES)) {
      const starting = this.startPause(warmPauseName(), { networkMode: 'none' });
      starting.catch((err: Error) => this.options.log.warn('pause container not kept ready', { error: err.message }));
      this.warm.push(starting);
    }
  }

  /** Without plumbing of its own, the engine attaches the task's pause container to the subnet's network. */
  private startAttachedPause(task: TaskAssignment, cgroupParent: string | undefined, extraHosts?: ExtraHost[]): Promise<string> {
    const network = task.network!;
    return this.startPause(pauseName(task), {
      networkMode: 'bridge',
      networkAttachment: { network: subnetNetworkName(network.subnetId), ipv4Address: network.privateIpv4Address, macAddress: network.macAddress },
      hostname: network.privateDnsName,
      cgroupParent,
      extraHosts,
    });
  }

  /** Creates and starts a pause container; one that fails to start is removed. */
  private async startPause(name: string, config: Pick<ContainerSpec, 'networkMode' | 'networkAttachment' | 'hostname' | 'cgroupParent' | 'extraHosts'>): Promise<string> {
    const { runtime } = this.options;
    const image = await runtime.ensurePauseImage(this.options.architecture);
    const id = await runtime.createContainer({
      name,
      image,
      labels: { [LABELS.cluster]: this.options.cluster, [NETWORK_LABELS.pause]: this.options.containerInstanceArn },
      dnsServers: this.options.resolvers,
      ...config,
    });
    try {
      await runtime.startContainer(id);
    } catch (err) {
      await runtime.removeContainer(id);
      throw err;
    }
    return id;
  }

  /** The task's pause container that a previous run of the agent left running, if any (others go). */
  private async runningPauseOf(taskArn: string): Promise<string | undefined> {
    for (const existing of await this.leftFor(taskArn)) {
      const state = await this.options.runtime.inspectContainer(existing).catch(() => undefined);
      if (state?.status === 'running') return existing;
      await this.options.runtime.removeContainer(existing);
    }
    return undefined;
  }

  /**
   * The pause containers named for the task when this run first looked (before it named any: so only an
   * earlier run's), looked up once rather than listed at every task's start.
   */
  private async leftFor(taskArn: string): Promise<string[]> {
    if (!this.leftBehind) {
      this.leftBehind = this.pauses().then((all) => {
        const byTask = new Map<string, string[]>();
        for (const c of all) {
          const id = c.name.split('-').at(-1)!;
          byTask.set(id, [...(byTask.get(id) ?? []), c.id]);
        }
        return byTask;
      });
      this.leftBehind.catch(() => (this.leftBehind = undefined)); // looked for again next time
    }
    const byTask = await this.leftBehind;
    const left = byTask.get(lastSegment(taskArn)) ?? [];
    byTask.delete(lastSegment(taskArn));
    return left;
  }

  /** This agent's pause containers, task ones and ready ones alike. */
  private pauses() {
    return this.options.runtime.listContainers({ [NETWORK_LABELS.pause]: this.options.containerInstanceArn });
  }

  private async pausesOf(taskArn: string): Promise<string[]> {
    const suffix = `-${lastSegment(taskArn)}`;
    return (await this.pauses()).filter((c) => c.name.endsWith(suffix)).map((c) => c.id);
  }

  private async removePause(taskArn: string): Promise<void> {
    for (const id of await this.pausesOf(taskArn)) await this.options.runtime.removeContainer(id);
  }

  /** Removes every other Wharf-made network that no container uses (Docker refuses those in use). */
  private async reclaimStaleNetworks(keep: string): Promise<void> {
    for (const name of await this.options.runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' })) {
      if (name === keep || (await this.plumbedInto(name.replace(/^wharf-/, '')))) continue;
      await this.options.runtime.removeNetwork(name).then(
        () => this.options.log.warn('stale subnet network removed', { network: name }),
        (err: unknown) => {
          if (!isRuntimeError(err, 'Conflict')) throw err;
        },
      );
    }
  }

  /** Whether interfaces plumbed here (which the engine does not know of) are on the subnet's bridge. */
  private async plumbedInto(subnetId: string): Promise<boolean> {
    return (await this.options.interfaces?.bridgeInUse(bridgeName(subnetId))) ?? false;
  }

  /** A subnet's network goes once it has been unused for a while (back-to-back tasks keep it). */
  private lingerNetwork(subnetId: string): void {
    clearTimeout(this.lingering.get(subnetId));
    const timer = setTimeout(() => {
      this.lingering.delete(subnetId);
      this.onSubnet(subnetId, () => this.removeNetworkIfUnused(subnetId)).catch((err: Error) =>
        this.options.log.warn('subnet network not removed', { subnetId, error: err.message }),
      );
    }, this.options.networkLingerMs ?? DEFAULT_NETWORK_LINGER_MS);
    timer.unref();
    this.lingering.set(subnetId, timer);
  }

  private async removeNetworkIfUnused(subnetId: string): Promise<void> {
    if ([...this.held.values()].some((h) => h.task.network?.subnetId === subnetId) || (await this.plumbedInto(subnetId))) return;
    this.networks.delete(subnetId);
    try {
      await this.options.runtime.removeNetwork(subnetNetworkName(subnetId));
      this.options.log.info('subnet network removed', { subnetId });
    } catch (err) {
      // Still used (another agent's task on this host): it goes with the last of them.
      if (!isRuntimeError(err, 'Conflict')) throw err;
    }
  }

  private onSubnet<T>(subnetId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.subnetQueues.get(subnetId) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    this.subnetQueues.set(subnetId, settled);
    void settled.then(() => {
      if (this.subnetQueues.get(subnetId) === settled) this.subnetQueues.delete(subnetId);
    });
    return next;
  }

  /**
   * Tells the firewall what every held task's address lets in, if that changed. With no address left, the
   * agent's (now empty) rules leave the host's filter once they have been unused for the network linger, so
   * back-to-back tasks find them hooked in; a fresh agent with none removes at once what an earlier run left.
   */
  private refreshFirewall(): Promise<void> {
    const { firewall, log, containerInstanceArn } = this.options;
    if (!firewall) return Promise.resolve();
    return this.onFirewall('firewall not applied', async () => {
      const addresses: FirewalledAddress[] = [...this.held.values()]
        .filter((h) => h.task.network)
        .map((h) => ({ address: h.task.network!.privateIpv4Address, ingress: h.task.network!.ingress, egress: h.task.network!.egress }));
      const wanted = JSON.stringify(addresses);
      if (wanted === this.applied) return;
      clearTimeout(this.firewallLinger);
      this.firewallLinger = undefined;
      if (addresses.length === 0 && this.applied === undefined) await firewall.remove(containerInstanceArn);
      else await firewall.apply(containerInstanceArn, addresses);
      if (addresses.length === 0 && this.applied !== undefined) {
        this.firewallLinger = setTimeout(() => void this.removeFirewallIfUnused(), this.options.networkLingerMs ?? DEFAULT_NETWORK_LINGER_MS);
        this.firewallLinger.unref();
      }
      this.applied = wanted;
      log.debug('firewall applied', { addresses: addresses.length });
    });
  }

  private removeFirewallIfUnused(): Promise<void> {
    this.firewallLinger = undefined;
    return this.onFirewall('firewall not removed', async () => {
      if (this.applied !== '[]') return;
      await this.options.firewall!.remove(this.options.containerInstanceArn);
      this.options.log.debug('firewall removed');
    });
  }

  /** Firewall changes run one at a time, in order. */
  private onFirewall(failure: string, work: () => Promise<void>): Promise<void> {
    const next = this.firewallQueue.then(work);
    this.firewallQueue = next.catch((err: Error) => this.options.log.error(failure, { error: err.message }));
    return next;
  }
}
