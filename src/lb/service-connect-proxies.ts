// Service Connect proxies: one HAProxy per task, in the task's proxy container (which the agent starts,
// agent/task-resources.ts). Its configuration and sockets live in a host directory the container mounts at
// SERVICE_CONNECT_PROXY_DIR: a frontend per client alias, a backend of server slots per Cloud Map service, and
// a frontend per ingress (the server side) in front of the task's own port, rendered by the load balancers'
// renderer (haproxy-config.ts). Endpoints that come and go take and free slots
// through the runtime API, without a reload, so no connection is dropped; a backend out of free slots doubles
// its slots with a seamless reload (master CLI). A failed connect is retried on another endpoint (`retries`,
// `option redispatch` in the defaults).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceConnectTimeouts } from '../core/agent-protocol.js';
import type { DataPlaneBackend, DataPlaneConfig, DataPlaneFrontend, TrafficCounters } from '../core/load-balancer.js';
import type { Logger } from '../core/ports.js';
import { SERVICE_CONNECT_PROXY_DIR, type ServiceConnectProxies, type ServiceConnectProxyConfig } from '../core/runtime.js';
import { backendName, MAX_TIMEOUT_SECONDS, renderHaproxyConfig, slotName, type SlotTable } from './haproxy-config.js';
import { runtimeCommand as command, port, serverAddress } from './haproxy-encoding.js';
import { parseShowStat, runtimeCommand, trafficCounters } from './haproxy-runtime.js';
import { assignSlots, slotChanges } from './slots.js';

/** The backend of an ingress listener: the task's own port. */
const ingressBackend = (discoveryName: string) => `ingress:${discoveryName}`;

/** A Service Connect service's timeouts in HAProxy's terms (an ECS value past HAProxy's longest timer waits that long). */
function timeoutsOf(t: ServiceConnectTimeouts): { idle: number; backend: NonNullable<DataPlaneBackend['timeouts']> } {
  const idle = Math.min(t.idleTimeoutSeconds, MAX_TIMEOUT_SECONDS);
  return { idle, backend: { serverSeconds: Math.min(t.perRequestTimeoutSeconds ?? idle, MAX_TIMEOUT_SECONDS), tunnelSeconds: idle } };
}

/**
 * The proxy as a data plane configuration: a listener per client alias forwarding to its Cloud Map service's
 * backend, and a listener per ingress (every address of the namespace) forwarding to the task's own port; each
 * with its service's idle timeout on both sides and its per-request timeout on the response.
 */
export function proxyDataPlane(proxy: ServiceConnectProxyConfig): DataPlaneConfig {
  const frontend = (id: string, address: string, port: number, mode: 'http' | 'tcp', backendId: string, idle: number): DataPlaneFrontend => ({
    id,
    address,
    port,
    mode,
    certificates: [],
    rules: [{ conditions: [], action: { type: 'forward', targetGroups: [{ backendId, weight: 1 }] } }],
    idleTimeoutSeconds: idle,
  });
  const backend = (id: string, mode: 'http' | 'tcp', t: ServiceConnectTimeouts, targets: DataPlaneBackend['targets']): DataPlaneBackend => ({
    id,
    mode,
    tls: false,
    algorithm: 'roundrobin',
    slowStartSeconds: 0,
    timeouts: timeoutsOf(t).backend,
    targets,
  });
  const services = new Map(proxy.listeners.map((l) => [l.serviceId, l]));
  return {
    frontends: [
      ...proxy.listeners.map((l, i) => frontend(`alias${i}`, l.address, l.port, l.mode, l.serviceId, timeoutsOf(l).idle)),
      ...proxy.ingress.map((g, i) => frontend(`ingress${i}`, '0.0.0.0', g.port, g.mode, ingressBackend(g.discoveryName), timeoutsOf(g).idle)),
    ],
    backends: [
      ...[...services].map(([serviceId, l]) =>
        backend(serviceId, l.mode, l, (proxy.endpoints[serviceId] ?? []).map((e) => ({ key: e.id, address: e.address, port: e.port, draining: false }))),
      ),
      ...proxy.ingress.map((g) => backend(ingressBackend(g.discoveryName), g.mode, g, g.target ? [{ key: 'task', address: g.target.address, port: g.target.port, draining: false }] : [])),
    ],
  };
}

/** The configuration file of a proxy, with paths as its container sees them. */
export function renderProxyConfig(config: DataPlaneConfig, slots: SlotTable): string {
  return renderHaproxyConfig({
    config,
    slots,
    paths: { adminSocket: `${SERVICE_CONNECT_PROXY_DIR}/admin.sock`, serverStateFile: `${SERVICE_CONNECT_PROXY_DIR}/server-state` },
    certificateFile: () => {
      throw new Error('a Service Connect proxy has no certificates');
    },
  });
}

interface Proxy {
  proxy: ServiceConnectProxyConfig;
  slots: SlotTable;
  /** Changes to one proxy run one at a time. */
  queue: Promise<unknown>;
}

export class HaproxyServiceConnectProxies implements ServiceConnectProxies {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly options: { dir: string; log: Logger }) {}

  configure(taskId: string, proxy: ServiceConnectProxyConfig): string {
    const dir = this.dirOf(taskId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const config = proxyDataPlane(proxy);
    const slots = assignSlots(new Map(), config.backends);
    writeFileSync(join(dir, 'haproxy.cfg'), renderProxyConfig(config, slots), { mode: 0o600 });
    this.proxies.set(taskId, { proxy, slots, queue: Promise.resolve() });
    return dir;
  }

  async reload(taskId: string): Promise<void> {
    await runtimeCommand(join(this.dirOf(taskId), 'master.sock'), ['reload']);
  }

  update(taskId: string, targets: Pick<ServiceConnectProxyConfig, 'endpoints' | 'ingress'>): Promise<void> {
    const held = this.proxies.get(taskId);
    if (!held) return Promise.resolve();
    // The listeners stay as the proxy started with them; only where they send changes.
    const ingress = held.proxy.ingress.map((g) => ({ ...g, target: targets.ingress.find((t) => t.discoveryName === g.discoveryName)?.target }));
    const next = held.queue.then(() => this.converge(taskId, held, { ...held.proxy, endpoints: targets.endpoints, ingress }));
    held.queue = next.catch(() => undefined);
    return next;
  }

  async traffic(taskId: string): Promise<Map<string, TrafficCounters>> {
    const held = this.proxies.get(taskId);
    const traffic = new Map<string, TrafficCounters>();
    if (!held) return traffic;
    const rows = parseShowStat(await runtimeCommand(join(this.dirOf(taskId), 'admin.sock'), ['show stat']));
    // Counted on the calling side only (an ingress listener's traffic is some other proxy's calls).
    for (const serviceId of new Set(held.proxy.listeners.map((l) => l.serviceId))) {
      const row = rows.find((r) => r.pxname === backendName(serviceId) && r.svname === 'BACKEND');
      if (row) traffic.set(serviceId, trafficCounters(row));
    }
    return traffic;
  }

  remove(taskId: string): void {
    this.proxies.delete(taskId);
    rmSync(this.dirOf(taskId), { recursive: true, force: true });
  }

  private async converge(taskId: string, held: Proxy, proxy: ServiceConnectProxyConfig): Promise<void> {
    const dir = this.dirOf(taskId);
    const config = proxyDataPlane(proxy);
    const slots = assignSlots(held.slots, config.backends);
    const grown = [...slots].some(([id, table]) => table.length !== held.slots.get(id)?.length);
    if (grown) {
      // More endpoints than slots: the master starts a worker on the new file, which takes the listening
      // sockets over; the old worker finishes its connections.
      writeFileSync(join(dir, 'haproxy.cfg'), renderProxyConfig(config, slots), { mode: 0o600 });
      await runtimeCommand(join(dir, 'master.sock'), ['reload']);
    } else {
      const commands = slotChanges(held.slots, slots).flatMap(({ backendId, slot, after }) => {
        const server = `${backendName(backendId)}/${slotName(slot)}`;
        if (!after) return [command('set', 'server', server, 'state', 'maint')];
        return [command('set', 'server', server, 'addr', serverAddress(after.address), 'port', port(after.port)), command('set', 'server', server, 'state', 'ready')];
      });
      if (commands.length) {
        const answer = await runtimeCommand(join(dir, 'admin.sock'), commands);
        if (/No such|Unknown|invalid|Require/i.test(answer)) this.options.log.warn('service connect proxy refused a command', { taskId, answer: answer.trim() });
      }
      // What a restart of the proxy starts from.
      writeFileSync(join(dir, 'haproxy.cfg'), renderProxyConfig(config, slots), { mode: 0o600 });
    }
    held.proxy = proxy;
    held.slots = slots;
  }

  private dirOf(taskId: string): string {
    if (!/^[a-zA-Z0-9-]{1,64}$/.test(taskId)) throw new Error(`'${taskId}' is not a task id`);
    return join(this.options.dir, taskId);
  }
}
