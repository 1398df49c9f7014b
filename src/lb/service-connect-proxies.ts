// Service Connect proxies: one HAProxy per task, in the task's proxy container (which the agent starts,
// agent/task-resources.ts). Its configuration and sockets live in a host directory the container mounts at
// SERVICE_CONNECT_PROXY_DIR: a frontend per client alias, a backend of server slots per Cloud Map service,
// rendered by the load balancers' renderer (haproxy-config.ts). Endpoints that come and go take and free slots
// through the runtime API, without a reload, so no connection is dropped; a backend out of free slots doubles
// its slots with a seamless reload (master CLI). A failed connect is retried on another endpoint (`retries`,
// `option redispatch` in the defaults).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataPlaneConfig, TrafficCounters } from '../core/load-balancer.js';
import type { Logger } from '../core/ports.js';
import { SERVICE_CONNECT_PROXY_DIR, type ServiceConnectProxies, type ServiceConnectProxyConfig } from '../core/runtime.js';
import { backendName, renderHaproxyConfig, slotName, type SlotTable } from './haproxy-config.js';
import { runtimeCommand as command, port, serverAddress } from './haproxy-encoding.js';
import { parseShowStat, runtimeCommand, trafficCounters } from './haproxy-runtime.js';
import { assignSlots, slotChanges } from './slots.js';

/** ECS's default idle timeouts: 5 minutes for HTTP, an hour for TCP. */
const IDLE_TIMEOUT_SECONDS = { http: 300, tcp: 3600 } as const;

/** The proxy as a data plane configuration: a listener per client alias forwarding to its Cloud Map service's backend. */
export function proxyDataPlane(proxy: ServiceConnectProxyConfig): DataPlaneConfig {
  const modes = new Map(proxy.listeners.map((l) => [l.serviceId, l.mode]));
  return {
    frontends: proxy.listeners.map((l, i) => ({
      id: `alias${i}`,
      address: l.address,
      port: l.port,
      mode: l.mode,
      certificates: [],
      rules: [{ conditions: [], action: { type: 'forward', targetGroups: [{ backendId: l.serviceId, weight: 1 }] } }],
      idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS[l.mode],
    })),
    backends: [...modes].map(([serviceId, mode]) => ({
      id: serviceId,
      mode,
      tls: false,
      algorithm: 'roundrobin',
      slowStartSeconds: 0,
      targets: (proxy.endpoints[serviceId] ?? []).map((e) => ({ key: e.id, address: e.address, port: e.port, draining: false })),
    })),
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

  update(taskId: string, endpoints: ServiceConnectProxyConfig['endpoints']): Promise<void> {
    const held = this.proxies.get(taskId);
    if (!held) return Promise.resolve();
    const next = held.queue.then(() => this.converge(taskId, held, { ...held.proxy, endpoints }));
    held.queue = next.catch(() => undefined);
    return next;
  }

  async traffic(taskId: string): Promise<Map<string, TrafficCounters>> {
    const held = this.proxies.get(taskId);
    const traffic = new Map<string, TrafficCounters>();
    if (!held) return traffic;
    const rows = parseShowStat(await runtimeCommand(join(this.dirOf(taskId), 'admin.sock'), ['show stat']));
    for (const serviceId of held.slots.keys()) {
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
