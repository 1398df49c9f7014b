// The LoadBalancerDataPlane on HAProxy: one master process (master-worker mode) that Wharf starts, watches
// and restarts when it dies. Listener and rule changes rewrite the configuration, which `haproxy -c` checks
// before the master is told to reload (SIGUSR2): the new worker takes the listening sockets over from the
// old one (`-x`, `expose-fd listeners`), which finishes the connections it has, so none is dropped. Target
// changes go through the runtime API into free server slots, without a reload.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { DataPlaneBackend, DataPlaneConfig, DataPlaneFrontend, DataPlaneRefusal, DataPlaneTraffic, LoadBalancerDataPlane, TargetHealthReport } from '../core/load-balancer.js';
import { targetHealthKey } from '../core/load-balancer.js';
import type { Logger } from '../core/ports.js';
import { backendName, frontendFiles, frontendName, renderHaproxyConfig, slotName, type HaproxyPaths, type SlotTable } from './haproxy-config.js';
import { HaproxyEncodingError, port, runtimeCommand as command, serverAddress } from './haproxy-encoding.js';
import { targetHealth } from './haproxy-health.js';
import { parseShowStat, runtimeCommand, trafficCounters } from './haproxy-runtime.js';
import { assignSlots, commonSlots, emptySlots, slotChanges, type SlotChange } from './slots.js';

const run = promisify(execFile);

export interface HaproxyOptions {
  /** Where the configuration, sockets, state and certificates live (created if missing). */
  dir: string;
  log: Logger;
  /** The haproxy executable (default: `haproxy` on the PATH). */
  binary?: string;
  /** The address listeners bind (default 127.0.0.1), for portAvailable. */
  address?: string;
  /** How long to wait before starting HAProxy again after it died. */
  restartDelayMs?: number;
  /**
   * The unprivileged user HAProxy's workers run as. Default: Debian's `haproxy` user when Wharf runs as
   * root and that user exists; otherwise HAProxy runs as Wharf does.
   */
  user?: string;
}

/** HAProxy refused a configuration: the previous one keeps serving. */
export class HaproxyConfigError extends Error {}

const SETPRIV = existsSync('/usr/bin/setpriv');

/** Debian's `haproxy` user, when Wharf runs as root (only root can switch users). */
function defaultUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return readFileSync('/etc/passwd', 'utf8').split('\n').some((line) => line.startsWith('haproxy:')) ? 'haproxy' : undefined;
  } catch {
    return undefined;
  }
}

/** One listener and the target groups it forwards to: what is checked alone. */
function section(config: DataPlaneConfig, frontend: DataPlaneFrontend): DataPlaneConfig {
  const used = new Set(frontend.rules.flatMap((r) => (r.action.type === 'forward' ? r.action.targetGroups.map((g) => g.backendId) : [])));
  return { frontends: [frontend], backends: config.backends.filter((b) => used.has(b.id)) };
}

const EMPTY: DataPlaneConfig = { frontends: [], backends: [] };

export class HaproxyDataPlane implements LoadBalancerDataPlane {
  private readonly paths: HaproxyPaths & { config: string; candidate: string; certs: string; pidFile: string };
  private readonly binary: string;
  private readonly user: string | undefined;
  private master: ChildProcess | undefined;
  private closed = false;
  /** The configuration and slots the running process serves. */
  private current: { config: DataPlaneConfig; structure: string; slots: SlotTable } = { config: EMPTY, structure: '', slots: new Map() };
  /** Targets whose checks have brought them up since they took their slot (by `<backend>/<slot>/<key>`). */
  private readonly everUp = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private loading: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** HAProxy's last alert: why a start failed. */
  private lastAlert = '';

  constructor(private readonly options: HaproxyOptions) {
    const { dir } = options;
    mkdirSync(join(dir, 'certs'), { recursive: true, mode: 0o700 });
    this.paths = {
      adminSocket: join(dir, 'admin.sock'),
      serverStateFile: join(dir, 'server-state'),
      config: join(dir, 'haproxy.cfg'),
      candidate: join(dir, 'haproxy.cfg.new'),
      certs: join(dir, 'certs'),
      pidFile: join(dir, 'haproxy.pid'),
    };
    this.binary = options.binary ?? 'haproxy';
    this.user = options.user ?? defaultUser();
  }

  /** Serialized: each apply starts from what the previous one left running. */
  apply(config: DataPlaneConfig): Promise<DataPlaneRefusal[]> {
    const next = this.queue.then(() => this.converge(config));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async portAvailable(port: number): Promise<boolean> {
    if (this.current.config.frontends.some((f) => f.port === port)) return true;
    const server = createServer();
    return new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, this.options.address ?? '127.0.0.1', () => server.close(() => resolve(true)));
    });
  }

  async targetHealth(): Promise<TargetHealthReport> {
    const report: TargetHealthReport = new Map();
    const { slots } = this.current;
    const stats = this.master ? await this.showStat().catch(() => new Map<string, Record<string, string>>()) : new Map<string, Record<string, string>>();
    for (const [backendId, table] of slots) {
      table.forEach((target, slot) => {
        if (!target) return;
        const stat = stats.get(`${backendName(backendId)}/${slotName(slot)}`) as Parameters<typeof targetHealth>[0] | undefined;
        const upKey = `${backendId}/${slot}/${target.key}`;
        if (stat?.status.startsWith('UP')) this.everUp.add(upKey);
        report.set(targetHealthKey(backendId, target.key), targetHealth(stat, { draining: target.draining, everUp: this.everUp.has(upKey) }));
      });
    }
    return report;
  }

  async traffic(): Promise<DataPlaneTraffic> {
    const traffic: DataPlaneTraffic = { frontends: new Map(), backends: new Map() };
    if (!this.master) return traffic;
    const stats = await this.showStat();
    const { config } = this.current;
    for (const f of config.frontends) {
      const row = stats.get(`${frontendName(f.id)}/FRONTEND`);
      if (row) traffic.frontends.set(f.id, trafficCounters(row));
    }
    for (const b of config.backends) {
      const row = stats.get(`${backendName(b.id)}/BACKEND`);
      if (row) traffic.backends.set(b.id, trafficCounters(row));
    }
    return traffic;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const master = this.master;
    if (master) {
      master.kill('SIGTERM');
      await this.exited;
    }
  }

  private async converge(wanted: DataPlaneConfig): Promise<DataPlaneRefusal[]> {
    let config = this.servable(wanted);
    // Nothing to serve: HAProxy is started only once a listener exists (most Wharfs never need one).
    if (!this.master && config.frontends.length === 0) {
      this.current = { config, structure: '', slots: new Map() };
      return [];
    }
    for (const pem of new Set(config.frontends.flatMap(frontendFiles))) writeFileSync(this.certificateFile(pem), pem, { mode: 0o600 });
    let refused: DataPlaneRefusal[] = [];
    let plan = this.plan(config);
    if (!this.master || plan.structure !== this.current.structure) {
      if ((await this.problem(plan.text)) !== undefined) {
        ({ config, refused } = await this.admit(config));
        plan = this.plan(config);
        const problem = await this.problem(plan.text);
        if (problem !== undefined) throw new HaproxyConfigError(problem);
      }
    }
    const { slots, structure, kept } = plan;
    if (!this.master || structure !== this.current.structure) {
      // A reload starts with the targets that stay where they are; the rest join through the runtime API
      // below, exactly as without a reload. A fresh start (first, or after a crash) serves every target at
      // once, as HAProxy starts servers up: they were serving before.
      if (this.master) await this.saveServerState();
      else rmSync(this.paths.serverStateFile, { force: true });
      renameSync(this.paths.candidate, this.paths.config);
      await this.loaded(() => (this.master ? this.master.kill('SIGUSR2') : this.start()));
      this.current = { config, structure, slots: kept };
    }
    await this.changeTargets(config, slotChanges(this.current.slots, slots));
    this.current = { config, structure, slots };
    // What a restart after a crash starts from: every target in its slot. Written beside and renamed, so a
    // restart (or a reader) never meets a half-written file.
    writeFileSync(this.paths.candidate, this.render(config, slots), { mode: 0o600 });
    renameSync(this.paths.candidate, this.paths.config);
    return refused;
  }

  /**
   * The slots of `config`, its structure (every slot free: what decides a reload), and the text a reload
   * starts from (the targets that stay where they are; all of them at a fresh start). A text of undefined:
   * the configuration cannot be written (a value no quoting carries).
   */
  private plan(config: DataPlaneConfig) {
    const slots = assignSlots(this.current.slots, config.backends);
    const kept = this.master ? commonSlots(slots, this.current.slots) : slots;
    try {
      return { slots, kept, structure: this.render(config, emptySlots(slots)), text: this.render(config, kept) as string | Error };
    } catch (error) {
      if (!(error instanceof HaproxyEncodingError)) throw error;
      return { slots, kept, structure: `refused: ${error.message}`, text: error as string | Error };
    }
  }

  /**
   * What of `config` HAProxy accepts, listener by listener: each is checked alone with its target groups, and
   * one refused keeps its last accepted version (or stays out), so that one broken load balancer never holds
   * back changes to the others. The refused are logged and answered.
   */
  private async admit(config: DataPlaneConfig): Promise<{ config: DataPlaneConfig; refused: DataPlaneRefusal[] }> {
    const refused: DataPlaneRefusal[] = [];
    const chosen = new Map<string, { frontend: DataPlaneFrontend; from: DataPlaneConfig }>();
    for (const frontend of config.frontends) {
      const alone = section(config, frontend);
      const reason = await this.problem(this.plan(alone).text);
      if (reason === undefined) {
        chosen.set(frontend.id, { frontend, from: config });
        continue;
      }
      refused.push({ frontendId: frontend.id, reason });
      this.options.log.error('haproxy refused a listener: it keeps its last accepted configuration', { listener: frontend.id, reason });
      const last = this.current.config.frontends.find((f) => f.id === frontend.id);
      // The last accepted version, with the targets registered now (registrations go on).
      if (last) chosen.set(frontend.id, { frontend: last, from: { frontends: [], backends: section(this.current.config, last).backends.map((b) => ({ ...b, targets: config.backends.find((n) => n.id === b.id)?.targets ?? b.targets })) } });
    }
    const frontends: DataPlaneFrontend[] = [];
    const backends = new Map<string, DataPlaneBackend>();
    // Accepted listeners first: a target group they share with a refused one is theirs as it is now.
    const ordered = [...chosen.values()].sort((a, b) => Number(a.from !== config) - Number(b.from !== config));
    for (const { frontend, from } of ordered) {
      for (const backend of section(from, frontend).backends) if (!backends.has(backend.id)) backends.set(backend.id, backend);
    }
    for (const frontend of config.frontends) if (chosen.has(frontend.id)) frontends.push(chosen.get(frontend.id)!.frontend);
    return { config: { frontends, backends: [...backends.values()] }, refused };
  }

  /** Leaves out targets whose address HAProxy could not be given (logged): the rest are served. */
  private servable(config: DataPlaneConfig): DataPlaneConfig {
    const backends = config.backends.map((b) => {
      const targets = b.targets.filter((t) => {
        try {
          serverAddress(t.address);
          port(t.port);
          return true;
        } catch (error) {
          this.options.log.warn('target left out: not an address HAProxy can reach', { backend: b.id, target: t.key, error: (error as Error).message });
          return false;
        }
      });
      return targets.length === b.targets.length ? b : { ...b, targets };
    });
    return { ...config, backends };
  }

  private render(config: DataPlaneConfig, slots: SlotTable): string {
    return renderHaproxyConfig({ config, slots, paths: this.paths, user: this.user, certificateFile: (pem) => this.certificateFile(pem) });
  }

  private certificateFile(pem: string): string {
    return join(this.paths.certs, `${createHash('sha256').update(pem).digest('hex').slice(0, 32)}.pem`);
  }

  /** Writes `text` as the candidate configuration and has HAProxy check it: why it is refused, or undefined. */
  private async problem(text: string | Error): Promise<string | undefined> {
    if (text instanceof Error) return text.message;
    writeFileSync(this.paths.candidate, text, { mode: 0o600 });
    try {
      await run(this.binary, ['-c', '-f', this.paths.candidate]);
      return undefined;
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? error);
      return stderr.split('\n').filter((l) => l.includes('ALERT')).join('\n') || stderr;
    }
  }

  /** Runs `trigger` (a start or a reload) and resolves once the master reports the new worker loaded. */
  private loaded(trigger: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.loading = undefined;
        reject(new Error('HAProxy did not report loading within 15 s'));
      }, 15_000);
      this.loading = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      trigger();
    });
  }

  private start(): void {
    this.stopStale();
    const args = ['-W', '-db', '-f', this.paths.config, '-x', this.paths.adminSocket];
    // HAProxy must not outlive Wharf, however Wharf ends (even SIGKILL): setpriv makes the kernel send it
    // SIGTERM when its parent dies, and the flag survives the master's re-executions on reload.
    const [command, argv] = SETPRIV ? ['setpriv', ['--pdeathsig', 'TERM', '--', this.binary, ...args]] : [this.binary, args];
    const master = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.master = master;
    if (master.pid) writeFileSync(this.paths.pidFile, String(master.pid), { mode: 0o600 });
    const { log } = this.options;
    let buffered = '';
    const onOutput = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) this.onLogLine(line);
    };
    master.stdout!.on('data', onOutput);
    master.stderr!.on('data', onOutput);
    this.exited = new Promise((resolve) =>
      master.once('exit', (code, signal) => {
        if (this.master === master) this.master = undefined;
        this.loading?.reject(new Error(`HAProxy exited (${signal ?? code}) while loading: ${this.lastAlert}`));
        this.loading = undefined;
        resolve();
        if (this.closed) return;
        log.warn('haproxy exited', { code, signal });
        void this.restart();
      }),
    );
    master.on('error', (error) => log.error('haproxy failed to start', { error: error.message }));
    log.info('haproxy started', { pid: master.pid });
  }

  /** A master left running by an earlier Wharf on this data directory holds its ports: stop it first. */
  private stopStale(): void {
    let pid: number;
    try {
      pid = Number(readFileSync(this.paths.pidFile, 'utf8'));
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.paths.config)) return;
    } catch {
      return; // no pid file, or no such process
    }
    this.options.log.warn('stopping haproxy left by an earlier run', { pid });
    process.kill(pid, 'SIGKILL');
  }

  private onLogLine(line: string): void {
    const { log } = this.options;
    if (line.includes('Loading success')) {
      this.loading?.resolve();
      this.loading = undefined;
    } else if (line.includes('Loading failure')) {
      this.loading?.reject(new HaproxyConfigError(line));
      this.loading = undefined;
    }
    // At the first start there is no old process to take sockets from (`-x`): expected, not alarming.
    if (line.includes('[ALERT]') && !/old process/.test(line)) {
      this.lastAlert = line;
      log.error('haproxy', { line });
    }
    else if (line.includes('[WARNING]')) log.debug('haproxy', { line });
  }

  /** After a crash: start again from the configuration on disk, which has every target in its slot. */
  private async restart(): Promise<void> {
    await sleep(this.options.restartDelayMs ?? 500);
    if (this.closed || this.master) return;
    const config = this.current.config;
    const task = this.queue.then(async () => {
      if (this.closed || this.master) return;
      rmSync(this.paths.serverStateFile, { force: true });
      this.everUp.clear();
      this.current = { config: EMPTY, structure: '', slots: new Map() };
      await this.converge(config);
      this.options.log.info('haproxy restarted');
    });
    this.queue = task.catch((error: unknown) => {
      this.options.log.error('haproxy restart failed', { error: (error as Error).message });
      void this.restart();
    });
  }

  private async saveServerState(): Promise<void> {
    const state = await runtimeCommand(this.paths.adminSocket, ['show servers state']);
    writeFileSync(this.paths.serverStateFile, state, { mode: 0o600 });
  }

  private async showStat(): Promise<Map<string, Record<string, string>>> {
    const rows = parseShowStat(await runtimeCommand(this.paths.adminSocket, ['show stat']));
    return new Map(rows.map((row) => [`${row.pxname}/${row.svname}`, row]));
  }

  private async changeTargets(config: DataPlaneConfig, changes: SlotChange[]): Promise<void> {
    const commands: string[] = [];
    const checked = new Set(config.backends.filter((b) => b.healthCheck).map((b) => b.id));
    for (const { backendId, slot, before, after } of changes) {
      const server = `${backendName(backendId)}/${slotName(slot)}`;
      this.everUp.delete(`${backendId}/${slot}/${before?.key}`);
      if (!after) commands.push(command('set', 'server', server, 'state', 'maint'));
      else if (before?.key === after.key && before.address === after.address && before.port === after.port)
        commands.push(command('set', 'server', server, 'state', after.draining ? 'drain' : 'ready'));
      else {
        // A new target is down until its health checks pass, as ELBv2 routes to a target only once healthy.
        commands.push(command('set', 'server', server, 'state', 'maint'));
        commands.push(command('set', 'server', server, 'addr', serverAddress(after.address), 'port', port(after.port)), command('set', 'weight', server, '1'));
        commands.push(command('set', 'server', server, 'state', after.draining ? 'drain' : 'ready'));
        if (checked.has(backendId)) commands.push(command('set', 'server', server, 'health', 'down'));
      }
    }
    if (commands.length === 0) return;
    const answer = await runtimeCommand(this.paths.adminSocket, commands);
    if (/No such|Unknown|invalid|Require/i.test(answer)) this.options.log.warn('haproxy runtime command refused', { answer: answer.trim() });
  }
}
