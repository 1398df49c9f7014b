// HollowRuntime: the ContainerRuntime port with nothing behind it. Containers "run" the moment they are
// started and stay running until stopped; a container with a health check is HEALTHY once started. The
// real agent runs on it unchanged (registration, the channel, the task engine, the reports), which makes
// hollow container instances: a thousand of them fit in one process, to measure the control plane at
// scale on one machine (as Kubernetes' kubemark runs hollow kubelets).
import { EventEmitter, on } from 'node:events';
import type {
  ContainerLogLine,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  NetworkBinding,
  NetworkSpec,
  RuntimeEvent,
  RuntimeInfo,
  VolumeSpec,
} from '../../core/runtime.js';
import { RuntimeError } from '../../core/runtime.js';

export interface HollowOptions {
  /** Logical CPUs the hollow host offers (default 4). */
  cpus?: number;
  /** Memory of the hollow host in MiB (default 16 GiB). */
  memoryMiB?: number;
}

interface HollowContainer {
  spec: ContainerSpec;
  state: ContainerState;
}

/** The first host port handed out for a binding without one (the engine's ephemeral range). */
const EPHEMERAL_FIRST = 32768;

let serial = 0;

export class HollowRuntime implements ContainerRuntime {
  private readonly containers = new Map<string, HollowContainer>();
  private readonly volumes = new Set<string>();
  private readonly networks = new Map<string, NetworkSpec>();
  private readonly emitter = new EventEmitter();
  private nextPort = EPHEMERAL_FIRST;

  constructor(private readonly options: HollowOptions = {}) {
    // Every task engine subscribes once; a busy hollow host has no reason to warn about listeners.
    this.emitter.setMaxListeners(0);
  }

  async info(): Promise<RuntimeInfo> {
    return {
      cpus: this.options.cpus ?? 4,
      memoryBytes: (this.options.memoryMiB ?? 16 * 1024) * 1024 * 1024,
      version: 'hollow',
      apiVersion: '1.43',
      architecture: 'x86_64',
      os: 'linux',
    };
  }

  async hasImage(): Promise<boolean> {
    return true;
  }

  async pullImage(): Promise<void> {}

  async imageDigest(): Promise<undefined> {
    return undefined;
  }

  async createVolume(volume: VolumeSpec): Promise<void> {
    this.volumes.add(volume.name);
  }

  async hasVolume(name: string): Promise<boolean> {
    return this.volumes.has(name);
  }

  async listVolumes(): Promise<string[]> {
    return [...this.volumes];
  }

  async removeVolume(name: string): Promise<void> {
    this.volumes.delete(name);
  }

  async ensureNetwork(network: NetworkSpec): Promise<void> {
    this.networks.set(network.name, network);
  }

  async removeNetwork(name: string): Promise<void> {
    this.networks.delete(name);
  }

  async listNetworks(labels: Record<string, string>): Promise<string[]> {
    return [...this.networks.values()].filter((n) => carries(n.labels, labels)).map((n) => n.name);
  }

  async networkGateway(name: string): Promise<string | undefined> {
    return this.networks.get(name)?.gateway;
  }

  async ensurePauseImage(): Promise<string> {
    return 'hollow/pause';
  }

  async ensureServiceConnectImage(): Promise<string> {
    return 'hollow/service-connect';
  }

  async containerStats(): Promise<Record<string, unknown>> {
    return {};
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    await engineTurn();
    const id = `${(++serial).toString(16).padStart(12, '0')}${'0'.repeat(52)}`;
    const state: ContainerState = { id, name: spec.name, labels: spec.labels, status: 'created', oomKilled: false, networkBindings: [], stopTimeoutSeconds: spec.stopTimeoutSeconds };
    this.containers.set(id, { spec, state });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    await engineTurn();
    const c = this.container(id);
    if (c.state.status === 'running') return;
    c.state = {
      ...c.state,
      status: 'running',
      startedAt: new Date(),
      networkBindings: (c.spec.ports ?? []).map((p): NetworkBinding => ({
        bindIP: '0.0.0.0',
        containerPort: p.containerPort,
        hostPort: p.hostPort ?? this.nextPort++,
        protocol: p.protocol,
      })),
      ...(c.spec.healthCheck && { health: 'HEALTHY' as const }),
    };
    this.emit(id, 'start');
    if (c.spec.healthCheck) this.emit(id, 'health');
  }

  async stopContainer(id: string): Promise<void> {
    await engineTurn();
    const c = this.container(id);
    if (c.state.status !== 'running') return;
    c.state = { ...c.state, status: 'exited', exitCode: 0, finishedAt: new Date() };
    this.emit(id, 'die');
  }

  async inspectContainer(id: string): Promise<ContainerState> {
    await engineTurn();
    return { ...this.container(id).state };
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
    return [...this.containers.values()].filter((c) => carries(c.state.labels, labels)).map(({ state }) => ({ id: state.id, name: state.name, labels: state.labels }));
  }

  async renameContainer(id: string, name: string): Promise<void> {
    const c = this.container(id);
    c.spec = { ...c.spec, name };
    c.state = { ...c.state, name };
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.emit(id, 'destroy');
    this.containers.delete(id);
  }

  async events(labels: Record<string, string>, signal: AbortSignal): Promise<AsyncIterable<RuntimeEvent>> {
    // Listening starts here, before this resolves: nothing that happens afterwards is missed.
    const stream = on(this.emitter, 'event', { signal });
    return (async function* () {
      try {
        for await (const [event, carried] of stream as AsyncIterable<[RuntimeEvent, Record<string, string>]>) {
          if (carries(carried, labels)) yield event;
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    })();
  }

  private container(id: string): HollowContainer {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('ContainerNotFound', `No such container: ${id}`);
    return c;
  }

  /** A hollow container writes nothing: its output is empty, and ends once it stops. */
  async containerLogs(id: string, _since: bigint | undefined, signal: AbortSignal): Promise<AsyncIterable<ContainerLogLine[]>> {
    this.container(id);
    const stopped = new Promise<void>((resolve) => {
      const done = () => {
        this.emitter.off('event', listener);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const listener = (event: RuntimeEvent) => {
        if (event.containerId === id && (event.kind === 'die' || event.kind === 'destroy')) done();
      };
      if (signal.aborted || this.containers.get(id)?.state.status === 'exited') return resolve();
      this.emitter.on('event', listener);
      signal.addEventListener('abort', done, { once: true });
    });
    return (async function* () {
      await stopped;
    })();
  }

  private emit(containerId: string, kind: RuntimeEvent['kind']): void {
    const labels = this.containers.get(containerId)!.state.labels;
    // Events are delivered after the call that caused them returns, as an engine's stream would.
    queueMicrotask(() => this.emitter.emit('event', { containerId, kind }, labels));
  }
}

/**
 * What a call to a real engine costs the caller's event loop: a turn. Without it an assignment of ten tasks
 * would be created, started, inspected and reported in one unbroken run of promise callbacks, and a thousand
 * agents handed theirs at once would hold the process's timers (the agents' pings) for seconds.
 */
const engineTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const carries = (have: Record<string, string>, want: Record<string, string>) => Object.entries(want).every(([k, v]) => have[k] === v);
