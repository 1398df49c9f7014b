// The NfsServer on nfs-ganesha (Debian's `nfs-ganesha` and `nfs-ganesha-vfs`, userspace, so it needs no NFS
// support in the kernel): one ganesha.nfsd that Wharf starts when the first export exists, restarts with a
// new configuration when the exports change (no grace period: clients carry on), and stops with the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostExport, NfsEndpoint, NfsServer } from '../core/efs-exports.js';
import { checkNfsEndpoint } from '../core/efs-exports.js';
import type { Logger } from '../core/ports.js';
import { ganeshaConfig } from './ganesha-config.js';

export const GANESHA_BINARY = '/usr/bin/ganesha.nfsd';
const SETPRIV = '/usr/bin/setpriv';

export interface GaneshaOptions {
  /** Where the configuration, log, pid file and recovery records live (created if missing). */
  dir: string;
  endpoint: NfsEndpoint;
  log: Logger;
  binary?: string;
}

/** How long ganesha may take to listen after it starts. */
const START_TIMEOUT_MS = 15_000;

export class GaneshaNfsServer implements NfsServer {
  readonly endpoint: NfsEndpoint;
  private process: ChildProcess | undefined;
  private served: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: GaneshaOptions) {
    checkNfsEndpoint(options.endpoint);
    this.endpoint = options.endpoint;
    mkdirSync(join(options.dir, 'recovery'), { recursive: true });
    this.stopLeftOver();
  }

  apply(exports: readonly HostExport[], clients: readonly string[]): Promise<void> {
    const served = exports.length > 0 && clients.length > 0;
    const config = served ? ganeshaConfig({ port: this.endpoint.port, recoveryDir: join(this.options.dir, 'recovery'), exports, clients }) : undefined;
    this.queue = this.queue.then(() => this.serve(config)).catch((err: unknown) => this.options.log.warn('NFS exports not served', { error: String(err) }));
    return this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.stop();
  }

  private async serve(config: string | undefined): Promise<void> {
    if (this.closed || (config === this.served && (config === undefined || this.process))) return;
    await this.stop();
    this.served = config;
    if (config === undefined) return;
    const { dir, log } = this.options;
    const file = join(dir, 'ganesha.conf');
    writeFileSync(file, config);
    const command = [this.options.binary ?? GANESHA_BINARY, '-F', '-f', file, '-L', join(dir, 'ganesha.log'), '-p', join(dir, 'ganesha.pid'), '-N', 'NIV_EVENT'];
    // ganesha goes with Wharf even when Wharf is killed (it would hold the port and serve stale exports).
    const [binary, ...args] = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'SIGTERM', ...command] : command;
    const child = spawn(binary!, args, { stdio: 'ignore' });
    this.process = child;
    child.once('error', (err) => log.warn('ganesha.nfsd did not start', { error: err.message }));
    child.once('exit', (code, signal) => {
      if (this.process !== child) return;
      this.process = undefined;
      log.warn('ganesha.nfsd exited', { code, signal, log: this.logTail() });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await listening(this.endpoint.port))) {
      if (this.process !== child || Date.now() > deadline) throw new Error(`ganesha.nfsd is not serving on port ${this.endpoint.port}: ${this.logTail()}`);
      await sleep(100);
    }
    log.info('NFS exports served', { port: this.endpoint.port, exports: config.split('EXPORT {').length - 1 });
  }

  private async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    if (!(await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]))) {
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** A ganesha this server started before it was killed still holds the port: its pid file names it. */
  private stopLeftOver(): void {
    const pidFile = join(this.options.dir, 'ganesha.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(this.options.dir, 'ganesha.conf'))) process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
    rmSync(pidFile, { force: true });
  }

  private logTail(): string {
    try {
      return readFileSync(join(this.options.dir, 'ganesha.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
    } catch {
      return '(no log)';
    }
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
