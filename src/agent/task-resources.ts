// What a task holds on the host besides its containers, set up before its first container and released
// once its last one has stopped (before the task is reported STOPPED, so nothing outlives it):
// - awsvpc: a network namespace with the task's own address, held by a pause container on a Wharf-managed
//   bridge network for its subnet (one per subnet on this host, its address plan the subnet's CIDR, removed
//   with its last task); the task's containers join that namespace. The firewall lets in only what the
//   task's security groups allow.
// - task-level CPU and memory: a cgroup the task's containers are made under (when the engine's cgroups
//   are the host's to manage).
// Like the ECS agent's pause container, it is found again by its labels after an agent restart.
import { randomBytes } from 'node:crypto';
import type { TaskAssignment } from '../core/agent-protocol.js';
import { lastSegment } from '../core/arn.js';
import type { Logger } from '../core/ports.js';
import { isRuntimeError, type ContainerRuntime, type FirewalledAddress, type HostFirewall, type TaskCgroups } from '../core/runtime.js';
import { LABELS, taskId, type TaskHostResources } from './container-config.js';

/** Labels Wharf puts on what it makes for a task's network. */
export const NETWORK_LABELS = {
  /** On a pause container: it holds its task's network namespace (it is no container of the task definition). */
  pause: 'wharf.pause',
  /** On a network: the subnet it stands for. */
  subnetId: 'wharf.subnet-id',
  /** On a network: Wharf made it for awsvpc tasks (value `awsvpc`). */
  network: 'wharf.network',
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
}

interface Held {
  task: TaskAssignment;
  prepared: Promise<TaskHostResources>;
}

/** The Docker network of a subnet on this host. */
export const subnetNetworkName = (subnetId: string) => `wharf-${subnetId}`;

export class TaskResources {
  private readonly held = new Map<string, Held>();
  /** Work on one subnet's network (create, attach, remove) runs one at a time. */
  private readonly subnetQueues = new Map<string, Promise<unknown>>();
  /** What the firewall was last told, to tell it only of changes. */
  private applied: string | undefined;
  private firewallQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TaskResourcesOptions) {}

  /** Whether a task needs anything on the host besides its containers. */
  needs(task: TaskAssignment): boolean {
    const definition = task.taskDefinition;
    return task.network !== undefined || (this.options.cgroups !== undefined && (definition.cpu !== undefined || definition.memory !== undefined));
  }

  /** Sets up what the task holds (once; later calls answer the same); rejects when it cannot be. */
  prepare(task: TaskAssignment): Promise<TaskHostResources> {
    let held = this.held.get(task.taskArn);
    if (!held) {
      held = { task, prepared: this.setUp(task) };
      this.held.set(task.taskArn, held);
    }
    return held.prepared;
  }

  /** Releases what the task holds: its pause container, its cgroup, its firewall rules, its subnet's network when unused. */
  async release(taskArn: string): Promise<void> {
    const held = this.held.get(taskArn);
    await held?.prepared.catch(() => undefined);
    this.held.delete(taskArn);
    await this.removePause(taskArn);
    const network = held?.task.network;
    if (network) {
      await this.refreshFirewall();
      await this.onSubnet(network.subnetId, () => this.removeNetworkIfUnused(network.subnetId));
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
      if (held && a.network && JSON.stringify(a.network.ingress) !== JSON.stringify(held.task.network?.ingress)) {
        held.task = a;
        changed = true;
      }
    }
    if (changed) void this.refreshFirewall().catch(() => undefined);
  }

  /** Removes pause containers and networks that no task of this agent holds (left by a crash); call once tasks are known. */
  async sweep(known: ReadonlySet<string>): Promise<void> {
    const pauses = await this.options.runtime.listContainers({ [LABELS.containerInstanceArn]: this.options.containerInstanceArn, [NETWORK_LABELS.pause]: 'true' });
    for (const pause of pauses) {
      const taskArn = pause.labels[LABELS.taskArn]!;
      if (known.has(taskArn) || this.held.has(taskArn)) continue;
      this.options.log.info('orphaned pause container removed', { taskArn, runtimeId: pause.id });
      await this.options.runtime.removeContainer(pause.id);
    }
    for (const name of await this.options.runtime.listNetworks({ [LABELS.containerInstanceArn]: this.options.containerInstanceArn })) {
      const subnetId = name.replace(/^wharf-/, '');
      await this.onSubnet(subnetId, () => this.removeNetworkIfUnused(subnetId));
    }
    await this.refreshFirewall();
  }

  private async setUp(task: TaskAssignment): Promise<TaskHostResources> {
    const { runtime, cgroups, log } = this.options;
    const definition = task.taskDefinition;
    const resources: TaskHostResources = {};
    if (cgroups && (definition.cpu !== undefined || definition.memory !== undefined)) {
      resources.cgroupParent = await cgroups.create(taskId(task), {
        ...(definition.cpu !== undefined && { cpuUnits: Number(definition.cpu) }),
        ...(definition.memory !== undefined && { memoryMiB: Number(definition.memory) }),
      });
    }
    const network = task.network;
    if (!network) return resources;
    // The task is never reachable before its security groups are in force.
    await this.refreshFirewall();
    const image = await runtime.ensurePauseImage(this.options.architecture);
    resources.networkContainer = await this.onSubnet(network.subnetId, async () => {
      const spec = {
        name: subnetNetworkName(network.subnetId),
        subnet: network.subnetCidr,
        gateway: network.gateway,
        labels: { [NETWORK_LABELS.subnetId]: network.subnetId, [NETWORK_LABELS.network]: 'awsvpc', [LABELS.containerInstanceArn]: this.options.containerInstanceArn },
      };
      await runtime.ensureNetwork(spec).catch(async (err: unknown) => {
        if (!isRuntimeError(err, 'Conflict')) throw err;
        // The range is another Wharf network's: one left empty (by an agent that is gone) is reclaimed.
        await this.reclaimStaleNetworks(spec.name);
        await runtime.ensureNetwork(spec);
      });
      return this.startPause(task, image, resources.cgroupParent);
    });
    log.info('task network ready', { taskArn: task.taskArn, address: network.privateIpv4Address, subnetId: network.subnetId });
    return resources;
  }

  /** The task's pause container, running: the one a previous run of the agent left, or a new one. */
  private async startPause(task: TaskAssignment, image: string, cgroupParent: string | undefined): Promise<string> {
    const { runtime } = this.options;
    const network = task.network!;
    for (const existing of await this.pausesOf(task.taskArn)) {
      const state = await runtime.inspectContainer(existing).catch(() => undefined);
      if (state?.status === 'running') return existing;
      await runtime.removeContainer(existing);
    }
    const { family, revision } = task.taskDefinition;
    const id = await runtime.createContainer({
      name: `ecs-${family}-${revision}-internalecspause-${randomBytes(10).toString('hex')}`.replace(/[^a-zA-Z0-9_.-]/g, ''),
      image,
      labels: {
        [LABELS.taskArn]: task.taskArn,
        [LABELS.cluster]: this.options.cluster,
        [LABELS.family]: family!,
        [LABELS.revision]: String(revision),
        [LABELS.containerInstanceArn]: this.options.containerInstanceArn,
        [NETWORK_LABELS.pause]: 'true',
      },
      networkMode: 'bridge',
      networkAttachment: { network: subnetNetworkName(network.subnetId), ipv4Address: network.privateIpv4Address, macAddress: network.macAddress },
      hostname: network.privateDnsName,
      cgroupParent,
    });
    try {
      await runtime.startContainer(id);
    } catch (err) {
      await runtime.removeContainer(id);
      throw err;
    }
    return id;
  }

  private async pausesOf(taskArn: string): Promise<string[]> {
    const found = await this.options.runtime.listContainers({ [LABELS.taskArn]: taskArn, [NETWORK_LABELS.pause]: 'true' });
    return found.map((c) => c.id);
  }

  private async removePause(taskArn: string): Promise<void> {
    for (const id of await this.pausesOf(taskArn)) await this.options.runtime.removeContainer(id);
  }

  /** Removes every other Wharf-made network that no container uses (Docker refuses those in use). */
  private async reclaimStaleNetworks(keep: string): Promise<void> {
    for (const name of await this.options.runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' })) {
      if (name === keep) continue;
      await this.options.runtime.removeNetwork(name).then(
        () => this.options.log.warn('stale subnet network removed', { network: name }),
        (err: unknown) => {
          if (!isRuntimeError(err, 'Conflict')) throw err;
        },
      );
    }
  }

  private async removeNetworkIfUnused(subnetId: string): Promise<void> {
    if ([...this.held.values()].some((h) => h.task.network?.subnetId === subnetId)) return;
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

  /** Tells the firewall what every held task's address lets in, if that changed. */
  private refreshFirewall(): Promise<void> {
    const { firewall, log, containerInstanceArn } = this.options;
    if (!firewall) return Promise.resolve();
    const next = this.firewallQueue.then(async () => {
      const addresses: FirewalledAddress[] = [...this.held.values()]
        .filter((h) => h.task.network)
        .map((h) => ({ address: h.task.network!.privateIpv4Address, ingress: h.task.network!.ingress }));
      const wanted = JSON.stringify(addresses);
      if (wanted === this.applied) return;
      await firewall.apply(containerInstanceArn, addresses);
      this.applied = wanted;
      log.debug('firewall applied', { addresses: addresses.length });
    });
    this.firewallQueue = next.catch((err: Error) => log.error('firewall not applied', { error: err.message }));
    return next;
  }
}
