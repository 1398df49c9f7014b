// The ContainerRuntime port on the Docker Engine API, through dockerode. Docker's shapes and errors stop
// here: callers get the port's plain types, and every failure becomes a RuntimeError with a stable code.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { logLines, sinceParam } from './docker-logs.js';
import { bindEntry, dnsSearchEntry, dnsServerEntry, dockerName, environmentEntry, extraHostEntry, linkEntry, tmpfsOptions, volumesFromEntry } from './docker-encoding.js';
import { PAUSE_IMAGE, PAUSE_PATH, pauseRootfs } from './pause-image.js';
import { PROXY_COMMAND, proxyImage, proxyRootfs } from './service-connect-image.js';
import {
  RuntimeError,
  type ContainerRuntime,
  type ContainerLogLine,
  type ContainerSpec,
  type ContainerState,
  type ContainerSummary,
  type HealthStatus,
  type NetworkBinding,
  type NetworkSpec,
  type RuntimeErrorCode,
  type RegistryAuth,
  type RuntimeEvent,
  type RuntimeInfo,
  type VolumeSpec,
} from '../../core/runtime.js';

const NANOS_PER_SECOND = 1e9;

/** Errors of the connection itself (no daemon, no socket, no permission): the engine is unavailable. */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

interface DockerError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

/** Translates a dockerode failure into the port's error; `notFound` names what a 404 means here. */
/** How often a network is tried while another agent makes or removes the same one (about 2 s in all). */
const NETWORK_CREATE_ATTEMPTS = 10;

function translate(err: unknown, notFound: RuntimeErrorCode): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const e = (err ?? {}) as DockerError;
  const message = e.json?.message ?? e.message ?? String(err);
  if (e.code && UNAVAILABLE.has(e.code)) return new RuntimeError('RuntimeUnavailable', message, { cause: err });
  const byStatus: Record<number, RuntimeErrorCode> = { 400: 'InvalidSpec', 404: notFound, 409: 'Conflict' };
  return new RuntimeError(byStatus[e.statusCode ?? 0] ?? 'RuntimeFailure', message, { cause: err });
}

async function call<T>(notFound: RuntimeErrorCode, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translate(err, notFound);
  }
}

const labelFilters = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`);

/** Docker writes the zero time for events that have not happened. */
function dockerTime(value: string | undefined): Date | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  return new Date(value);
}

const HEALTH: Record<string, HealthStatus> = { healthy: 'HEALTHY', unhealthy: 'UNHEALTHY', starting: 'UNKNOWN' };

function networkBindings(ports: Record<string, { HostIp: string; HostPort: string }[] | null> | undefined) {
  const bindings: NetworkBinding[] = [];
  for (const [key, hostPorts] of Object.entries(ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const hostPort of hostPorts ?? []) {
      bindings.push({
        bindIP: hostPort.HostIp || '0.0.0.0',
        containerPort: Number(port),
        hostPort: Number(hostPort.HostPort),
        protocol: protocol === 'udp' ? 'udp' : 'tcp',
      });
    }
  }
  return bindings;
}

/** Docker's network mode for a spec: another container's namespace, a user-defined network, or the spec's mode. */
function networkMode(spec: ContainerSpec): string {
  if (spec.networkContainer) return `container:${spec.networkContainer}`;
  return spec.networkAttachment?.network ?? spec.networkMode;
}

/** The container configuration Docker's create endpoint takes. */
function dockerCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const ports = spec.ports ?? [];
  const bridged = networkMode(spec) === 'bridge';
  const attachment = spec.networkAttachment;
  const seconds = (s: number) => s * NANOS_PER_SECOND;
  return {
    name: dockerName(spec.name),
    Image: spec.image,
    Labels: spec.labels,
    Cmd: spec.command,
    Entrypoint: spec.entryPoint,
    Env: spec.environment && Object.entries(spec.environment).map(([k, v]) => environmentEntry(k, v)),
    WorkingDir: spec.workingDirectory,
    User: spec.user,
    Hostname: spec.hostname,
    // Engine API 1.41 takes the MAC address at the container level (later ones per network).
    ...(attachment?.macAddress && { MacAddress: attachment.macAddress }),
    NetworkDisabled: spec.networkDisabled,
    OpenStdin: spec.interactive,
    Tty: spec.tty,
    StopTimeout: spec.stopTimeoutSeconds,
    ExposedPorts: ports.length ? Object.fromEntries(ports.map((p) => [`${p.containerPort}/${p.protocol}`, {}])) : undefined,
    Healthcheck: spec.healthCheck && {
      Test: spec.healthCheck.command,
      Interval: seconds(spec.healthCheck.intervalSeconds),
      Timeout: seconds(spec.healthCheck.timeoutSeconds),
      Retries: spec.healthCheck.retries,
      StartPeriod: seconds(spec.healthCheck.startPeriodSeconds),
    },
    ...(attachment && { NetworkingConfig: { EndpointsConfig: { [attachment.network]: { IPAMConfig: { IPv4Address: attachment.ipv4Address } } } } }),
    HostConfig: {
      NetworkMode: networkMode(spec),
      ...(spec.groups?.length && { GroupAdd: spec.groups.map(String) }),
      // Only bridge publishes ports; an empty HostPort lets Docker pick one from the ephemeral range.
      PortBindings: bridged && ports.length
        ? Object.fromEntries(
            ports.map((p) => [`${p.containerPort}/${p.protocol}`, [{ HostPort: p.hostPort ? String(p.hostPort) : '' }]]),
          )
        : undefined,
      Links: bridged ? spec.links?.map((l) => linkEntry(l.container, l.alias)) : undefined,
      CpuShares: spec.cpuShares,
      Memory: spec.memoryBytes,
      MemoryReservation: spec.memoryReservationBytes,
      NanoCpus: spec.nanoCpus,
      CgroupParent: spec.cgroupParent,
      Ulimits: spec.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      ReadonlyRootfs: spec.readonlyRootFilesystem,
      Binds: spec.mounts?.map(bindEntry),
      VolumesFrom: spec.volumesFrom?.map((v) => volumesFromEntry(v.container, v.readOnly)),
      ExtraHosts: spec.extraHosts?.map((h) => extraHostEntry(h.hostname, h.ipAddress)),
      Dns: spec.dnsServers?.map(dnsServerEntry),
      DnsSearch: spec.dnsSearchDomains?.map(dnsSearchEntry),
      Privileged: spec.privileged,
      CapAdd: spec.capAdd,
      CapDrop: spec.capDrop,
      Init: spec.init,
      ShmSize: spec.shmSizeBytes,
      Tmpfs: spec.tmpfs && Object.fromEntries(
        spec.tmpfs.map((t) => [t.containerPath, tmpfsOptions(t.sizeMiB, t.mountOptions)]),
      ),
      Devices: spec.devices?.map((d) => ({
        PathOnHost: d.hostPath,
        PathInContainer: d.containerPath,
        CgroupPermissions: d.permissions,
      })),
      SecurityOpt: spec.securityOptions,
      Sysctls: spec.sysctls,
      LogConfig: spec.log && { Type: spec.log.driver, Config: spec.log.options },
    },
  };
}

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private pauseImage?: Promise<string>;
  private proxyImage?: Promise<string>;

  /** Connects as the Docker CLI does by default (DOCKER_HOST, else the local socket) unless told otherwise. */
  constructor(options?: Docker.DockerOptions) {
    this.docker = new Docker(options);
  }

  async info(): Promise<RuntimeInfo> {
    return call('RuntimeFailure', async () => {
      const [info, version] = await Promise.all([this.docker.info(), this.docker.version()]);
      return {
        cpus: info.NCPU,
        memoryBytes: info.MemTotal,
        version: version.Version,
        apiVersion: version.ApiVersion,
        architecture: info.Architecture,
        os: info.OSType,
        cgroupDriver: info.CgroupDriver,
      };
    });
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      const e = translate(err, 'ImageNotFound');
      if (e.code === 'ImageNotFound') return false;
      throw e;
    }
  }

  async pullImage(image: string, signal?: AbortSignal, auth?: RegistryAuth): Promise<void> {
    const progress = await call('ImagePullFailed', async () => {
      const stream = (await this.docker.pull(image, { ...(signal && { abortSignal: signal }), ...(auth && { authconfig: auth }) })) as Readable;
      return new Promise<{ error?: string }[]>((resolve, reject) =>
        this.docker.modem.followProgress(stream, (err: unknown, out: { error?: string }[]) =>
          err ? reject(err) : resolve(out),
        ),
      );
    }).catch((err: RuntimeError) => {
      // A pull that cannot even start (registry unreachable, bad reference) is still a failed pull.
      throw err.code === 'RuntimeUnavailable' ? err : new RuntimeError('ImagePullFailed', err.message, { cause: err });
    });
    // Docker reports failures met mid-pull in the progress stream, after a 200.
    const failure = progress.find((p) => p.error);
    if (failure) throw new RuntimeError('ImagePullFailed', failure.error!);
  }

  async imageDigest(image: string): Promise<string | undefined> {
    const info = await call('ImageNotFound', () => this.docker.getImage(image).inspect());
    // RepoDigests are `<repository>@sha256:...`, one per repository the image was pulled from.
    const repository = image.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
    return (info.RepoDigests ?? []).find((d) => d.startsWith(`${repository}@`))?.slice(repository.length + 1);
  }

  async createVolume(volume: VolumeSpec): Promise<void> {
    await call('VolumeNotFound', () =>
      this.docker.createVolume({
        Name: volume.name,
        Driver: volume.driver ?? 'local',
        DriverOpts: volume.driverOptions ?? {},
        Labels: volume.labels ?? {},
      }),
    );
  }

  async hasVolume(name: string): Promise<boolean> {
    try {
      await this.docker.getVolume(name).inspect();
      return true;
    } catch (err) {
      const e = translate(err, 'VolumeNotFound');
      if (e.code === 'VolumeNotFound') return false;
      throw e;
    }
  }

  async listVolumes(labels: Record<string, string>): Promise<string[]> {
    const { Volumes } = await call('RuntimeFailure', () => this.docker.listVolumes({ filters: { label: labelFilters(labels) } }));
    return (Volumes ?? []).map((v) => v.Name);
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      const e = translate(err, 'VolumeNotFound');
      if (e.code !== 'VolumeNotFound') throw e;
    }
  }

  async ensureNetwork(network: NetworkSpec): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.docker.createNetwork({
          Name: network.name,
          Driver: 'bridge',
          CheckDuplicate: true,
          IPAM: { Driver: 'default', Config: [{ Subnet: network.subnet, Gateway: network.gateway }] },
          ...(network.bridgeName && { Options: { 'com.docker.network.bridge.name': network.bridgeName } }),
          Labels: network.labels,
        });
        return;
      } catch (err) {
        // 409: the name is taken; 403: the range overlaps a network's, which may be this very one, being made
        // or removed at this moment by another agent of the host (its pool is held before its name, and after).
        const status = (err as DockerError).statusCode;
        if (status !== 403 && status !== 409) throw translate(err, 'RuntimeFailure');
        const subnet = await this.networkSubnet(network.name);
        if (subnet === network.subnet) return;
        if (subnet !== undefined) throw new RuntimeError('Conflict', `network ${network.name} exists with subnet ${subnet}`);
        if (attempt === NETWORK_CREATE_ATTEMPTS) throw new RuntimeError('Conflict', translate(err, 'RuntimeFailure').message, { cause: err });
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /** A network's first IPv4 range; undefined when there is no such network. */
  private async networkSubnet(name: string): Promise<string | undefined> {
    try {
      const network = (await this.docker.getNetwork(name).inspect()) as { IPAM?: { Config?: { Subnet?: string }[] } };
      return network.IPAM?.Config?.[0]?.Subnet ?? '';
    } catch (err) {
      if ((err as DockerError).statusCode === 404) return undefined;
      throw translate(err, 'RuntimeFailure');
    }
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await this.docker.getNetwork(name).remove();
    } catch (err) {
      // Docker answers 403 for a network that still has endpoints.
      if ((err as DockerError).statusCode === 403) throw new RuntimeError('Conflict', (err as DockerError).json?.message ?? 'network in use', { cause: err });
      const e = translate(err, 'RuntimeFailure');
      if ((err as DockerError).statusCode !== 404) throw e;
    }
  }

  async listNetworks(labels: Record<string, string>): Promise<string[]> {
    const list = await call('RuntimeFailure', () => this.docker.listNetworks({ filters: { label: labelFilters(labels) } }));
    return list.map((n) => n.Name);
  }

  async networkGateway(name: string): Promise<string | undefined> {
    const network = (await call('RuntimeFailure', () => this.docker.getNetwork(name).inspect())) as { IPAM?: { Config?: { Gateway?: string }[] } };
    return network.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  }

  ensurePauseImage(architecture: string): Promise<string> {
    this.pauseImage ??= this.importImage(PAUSE_IMAGE, () => pauseRootfs(architecture), [`CMD ["${PAUSE_PATH}"]`]);
    // A failed import is tried again next time.
    this.pauseImage.catch(() => (this.pauseImage = undefined));
    return this.pauseImage;
  }

  ensureServiceConnectImage(): Promise<string> {
    this.proxyImage ??= proxyImage().then((image) => this.importImage(image.name, () => proxyRootfs(image), [`CMD ${JSON.stringify(PROXY_COMMAND)}`]));
    this.proxyImage.catch(() => (this.proxyImage = undefined));
    return this.proxyImage;
  }

  /** An image Wharf makes itself: `name` imported from a root file system, unless the engine has it already. */
  private async importImage(name: string, rootfs: () => NodeJS.ReadableStream, changes: string[]): Promise<string> {
    if (await this.hasImage(name)) return name;
    const [repo, tag] = name.split(':');
    const progress = await call('RuntimeFailure', async () => {
      const stream = await this.docker.importImage(rootfs(), { repo, tag, changes });
      return new Promise<{ error?: string }[]>((resolve, reject) =>
        this.docker.modem.followProgress(stream, (err: unknown, out: { error?: string }[]) => (err ? reject(err) : resolve(out))),
      );
    });
    const failure = progress.find((p) => p.error);
    if (failure) throw new RuntimeError('RuntimeFailure', failure.error!);
    return name;
  }

  async containerStats(id: string): Promise<Record<string, unknown>> {
    return call('ContainerNotFound', async () => (await this.docker.getContainer(id).stats({ stream: false })) as unknown as Record<string, unknown>);
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    // Creating from an absent image is a 404 that is about the image, not the container.
    const container = await call('ImageNotFound', () => this.docker.createContainer(dockerCreateOptions(spec)));
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await call('ContainerNotFound', () => this.docker.getContainer(id).start());
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.round(timeoutSeconds)) });
    } catch (err) {
      if ((err as DockerError).statusCode === 304) return; // already stopped
      throw translate(err, 'ContainerNotFound');
    }
  }

  async inspectContainer(id: string): Promise<ContainerState> {
    const info = await call('ContainerNotFound', () => this.docker.getContainer(id).inspect());
    const s = info.State;
    const status = s.Running || s.Paused || s.Restarting ? 'running' : s.Status === 'created' ? 'created' : 'exited';
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      labels: info.Config.Labels ?? {},
      status,
      exitCode: status === 'exited' ? s.ExitCode : undefined,
      oomKilled: s.OOMKilled,
      error: s.Error || undefined,
      startedAt: dockerTime(s.StartedAt),
      finishedAt: status === 'exited' ? dockerTime(s.FinishedAt) : undefined,
      health: s.Health ? HEALTH[s.Health.Status] : undefined,
      networkBindings: networkBindings(info.NetworkSettings.Ports),
      stopTimeoutSeconds: (info.Config as { StopTimeout?: number }).StopTimeout,
      imageId: info.Image || undefined,
      createdAt: dockerTime(info.Created),
      ipv4Addresses: Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).filter(Boolean),
      pid: s.Pid || undefined,
    };
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const list = await call('RuntimeFailure', () =>
      this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) } }),
    );
    return list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), labels: c.Labels ?? {} }));
  }

  async renameContainer(id: string, name: string): Promise<void> {
    await call('ContainerNotFound', () => this.docker.getContainer(id).rename({ name }));
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const e = translate(err, 'ContainerNotFound');
      // Gone already, or another removal of it is under way: either way it is going.
      if (e.code !== 'ContainerNotFound' && e.code !== 'Conflict') throw e;
    }
  }

  async events(labels: Record<string, string>, signal: AbortSignal): Promise<AsyncIterable<RuntimeEvent>> {
    const stream = (await call('RuntimeFailure', () =>
      this.docker.getEvents({
        filters: { type: ['container'], label: labelFilters(labels) },
        abortSignal: signal,
      } as Docker.GetEventsOptions),
    )) as Readable;
    return readEvents(stream, signal);
  }

  async containerLogs(id: string, sinceNanos: bigint | undefined, signal: AbortSignal): Promise<AsyncIterable<ContainerLogLine[]>> {
    const container = this.docker.getContainer(id);
    const { Config } = await call('ContainerNotFound', () => container.inspect());
    const stream = (await call('ContainerNotFound', () =>
      container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, abortSignal: signal, ...(sinceNanos !== undefined && { since: sinceParam(sinceNanos) }) }),
    )) as unknown as Readable;
    return (async function* () {
      try {
        yield* logLines(stream, Config.Tty === true);
      } catch (err) {
        if (!signal.aborted) throw translate(err, 'RuntimeFailure');
      } finally {
        stream.destroy();
      }
    })();
  }
}

/** Docker's actions that say a container changed in a way the agent cares about. */
function eventKind(action: string): RuntimeEvent['kind'] | undefined {
  if (action.startsWith('health_status')) return 'health';
  return (['start', 'die', 'oom', 'destroy'] as const).find((k) => k === action);
}

async function* readEvents(stream: Readable, signal: AbortSignal): AsyncIterable<RuntimeEvent> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as { Action?: string; Actor?: { ID?: string } };
      const kind = eventKind(event.Action ?? '');
      if (kind && event.Actor?.ID) yield { containerId: event.Actor.ID, kind };
    }
  } catch (err) {
    if (!signal.aborted) throw translate(err, 'RuntimeFailure');
  } finally {
    lines.close();
    stream.destroy();
  }
  if (!signal.aborted) throw new RuntimeError('RuntimeUnavailable', 'the Docker event stream ended');
}
