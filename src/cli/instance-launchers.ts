// The instance launchers (core/ec2-instances.ts's InstanceLauncher): how an EC2 instance becomes a host.
// - `local` (the default): a `wharf agent --instance-metadata` process per instance, with its own data dir
//   (<data dir>/instances/<instance id>), the instance type's vCPUs and memory, and its own metadata service
//   (imds/server.ts) through which it learns who it is, its profile's session and its user data.
// - `hollow`: a hollow agent per instance inside the server (runtime/hollow: no containers run), for
//   benchmarks of a thousand instances on one machine.
// - `command:<path>`: an operator's program provisions real machines: `<path> start|stop|terminate <id>`,
//   given the instance (InstanceHost, with its profile's first session) as JSON on stdin (docs/ec2-instances.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, createSign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent, type AgentHandle } from '../agent/agent.js';
import { joinedFrom } from '../agent/instance-credentials.js';
import type { InstanceHost, InstanceLauncher, SpotInterruptionNotice } from '../core/ec2-instances.js';
import type { InstanceJoinDocument } from '../core/instance-join.js';
import { ecsSettings } from '../core/ec2-instances-user-data.js';
import type { Logger } from '../core/ports.js';
import { RenewingCredentials } from '../imds/credentials-renewal.js';
import { identityDocument, serveInstanceMetadata } from '../imds/server.js';
import { HollowRuntime } from '../runtime/hollow/hollow-runtime.js';

/** Instance ids become paths and arguments: only EC2's own form is accepted. */
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const checked = (id: string) => {
  if (!INSTANCE_ID.test(id)) throw new Error(`not an instance id: ${id}`);
  return id;
};

/** How long an agent has to stop before it is killed. */
const STOP_GRACE_MS = 30_000;

let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const WHARF = join(root, 'bin', 'wharf.js');

export interface LauncherContext {
  /** The control plane's endpoint, once it listens. */
  endpoint(): string;
  dataDir: string;
  accountId: string;
  log: Logger;
  now(): number;
  /** The PEM file that verifies an HTTPS endpoint. */
  caFile?: string;
  /** The Spot interruption notice EC2 gave an instance, if any (its metadata service's spot/*). */
  spotInterruption(instanceId: string): SpotInterruptionNotice | undefined;
  /** A new session of the instance's profile (its metadata service renews before expiry); undefined once it has none. */
  renewCredentials(instanceId: string): Promise<InstanceJoinDocument | undefined>;
}

/** Picks the launcher `spec` names: `local`, `hollow` or `command:<path>`. */
export function instanceLauncher(spec: string, ctx: LauncherContext): InstanceLauncher & { close(): Promise<void> } {
  if (spec === 'local') return new LocalAgentLauncher(ctx);
  if (spec === 'hollow') return new HollowLauncher(ctx);
  if (spec.startsWith('command:') && spec.length > 'command:'.length) return new CommandLauncher(ctx, spec.slice('command:'.length));
  throw new Error(`--instances must be local, hollow or command:<path>, not ${spec}`);
}

/** Each instance: its own `wharf agent` process and metadata service. */
class LocalAgentLauncher implements InstanceLauncher {
  private readonly running = new Map<string, { child: ChildProcess; exited: Promise<void>; metadata: { close(): Promise<void> }; credentials?: RenewingCredentials }>();
  private readonly signingKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  constructor(private readonly ctx: LauncherContext) {}

  hosts(instanceId: string): boolean {
    return this.running.has(instanceId);
  }

  async start(host: InstanceHost): Promise<void> {
    const id = checked(host.instanceId);
    if (this.running.has(id)) return;
    const credentials = host.credentials && new RenewingCredentials(host.credentials, () => this.ctx.renewCredentials(id), this.ctx.now, this.ctx.log);
    const metadata = await serveInstanceMetadata({
      host,
      accountId: this.ctx.accountId,
      signingKey: this.signingKey,
      now: this.ctx.now,
      launchTime: new Date(this.ctx.now()).toISOString(),
      ...(credentials && { credentials: () => credentials.current() }),
      spotInterruption: () => this.ctx.spotInterruption(id),
    }).catch((err: unknown) => {
      credentials?.close();
      throw err;
    });
    const dir = join(this.ctx.dataDir, 'instances', id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const logFile = openSync(join(dir, 'agent.log'), 'a', 0o600);
    // The agent signs as its instance's profile only: the server's own credentials are not passed on.
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, ...env } = process.env;
    const args = [WHARF, 'agent', '--endpoint', this.ctx.endpoint(), '--region', host.region, '--data-dir', join(dir, 'agent'), '--instance-metadata'];
    args.push('--cpus', String(host.vcpus), '--memory-mib', String(host.memoryMiB));
    if (this.ctx.caFile) args.push('--ca-cert', this.ctx.caFile);
    const child = spawn(process.execPath, args, { env: { ...env, AWS_EC2_METADATA_SERVICE_ENDPOINT: metadata.endpoint }, stdio: ['ignore', logFile, logFile] });
    closeSync(logFile);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void exited.then(() => {
      // An agent that ends by itself (its instance deregistered) leaves its metadata service behind: close it.
      if (this.running.get(id)?.child === child) {
        this.running.delete(id);
        credentials?.close();
        void metadata.close();
      }
    });
    this.running.set(id, { child, exited, metadata, ...(credentials && { credentials }) });
    this.ctx.log.info('instance agent started', { instanceId: id, pid: child.pid, instanceType: host.instanceType });
  }

  async stop(instanceId: string, how: 'stop' | 'terminate'): Promise<void> {
    const id = checked(instanceId);
    const host = this.running.get(id);
    this.running.delete(id);
    if (host) {
      // A terminated instance's agent was deregistered: it removes its containers and exits by itself first.
      if (how === 'terminate') await Promise.race([host.exited, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
      host.child.kill('SIGTERM');
      const killer = setTimeout(() => host.child.kill('SIGKILL'), STOP_GRACE_MS);
      await host.exited;
      clearTimeout(killer);
      host.credentials?.close();
      await host.metadata.close();
      this.ctx.log.info('instance agent stopped', { instanceId: id, how });
    }
    // A terminated instance's disk goes with it.
    if (how === 'terminate') rmSync(join(this.ctx.dataDir, 'instances', id), { recursive: true, force: true });
  }

  /** The server stops: its instances' agents stop too (running instances get them back at the next start). */
  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, 'stop')));
  }
}

/** Each instance: a hollow agent in this process, registered as the instance (no containers run). */
class HollowLauncher implements InstanceLauncher {
  private readonly agents = new Map<string, Promise<AgentHandle>>();
  private readonly signingKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  constructor(private readonly ctx: LauncherContext) {}

  hosts(instanceId: string): boolean {
    return this.agents.has(instanceId);
  }

  async start(host: InstanceHost): Promise<void> {
    const id = checked(host.instanceId);
    if (this.agents.has(id)) return;
    if (!host.credentials) {
      // As on EC2: the instance runs, but an agent without an instance profile cannot register.
      this.ctx.log.warn('instance has no instance profile: its agent cannot register', { instanceId: id });
      return;
    }
    const document = identityDocument({ host, accountId: this.ctx.accountId, launchTime: new Date(this.ctx.now()).toISOString() });
    const settings = ecsSettings(host.userData ?? '');
    const agent = startAgent({
      endpoint: this.ctx.endpoint(),
      cluster: settings.ECS_CLUSTER ?? 'default',
      region: host.region,
      instance: { joined: joinedFrom(host.credentials), fresh: true },
      dataDir: join(this.ctx.dataDir, 'instances', id),
      runtime: new HollowRuntime({ cpus: host.vcpus, memoryMiB: host.memoryMiB }),
      log: this.ctx.log.child({ instanceId: id }),
      instanceType: host.instanceType,
      reservedMemoryMiB: 0,
      metricsIntervalMs: 0,
      // Its metadata service is this process's state: the notice is read from it directly.
      ...(settings.ECS_ENABLE_SPOT_INSTANCE_DRAINING === 'true' && { spotInterruptionNoticed: async () => this.ctx.spotInterruption(id) !== undefined }),
      ec2Instance: {
        identityDocument: document,
        identitySignature: createSign('RSA-SHA256').update(document).sign(this.signingKey).toString('base64'),
        privateIp: host.privateIpAddress,
        availabilityZone: host.availabilityZone,
      },
    });
    this.agents.set(id, agent);
    await agent.catch((err: unknown) => {
      this.agents.delete(id);
      throw err;
    });
  }

  async stop(instanceId: string, how: 'stop' | 'terminate'): Promise<void> {
    const id = checked(instanceId);
    const agent = this.agents.get(id);
    this.agents.delete(id);
    await (await agent?.catch(() => undefined))?.stop();
    if (how === 'terminate') rmSync(join(this.ctx.dataDir, 'instances', id), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.keys()].map((id) => this.stop(id, 'stop')));
  }
}

/** An operator's program provisions each instance: it must be idempotent (a restart asks again). */
class CommandLauncher implements InstanceLauncher {
  private readonly started = new Set<string>();

  constructor(
    private readonly ctx: LauncherContext,
    private readonly command: string,
  ) {}

  hosts(instanceId: string): boolean {
    return this.started.has(instanceId);
  }

  async start(host: InstanceHost): Promise<void> {
    await this.run('start', checked(host.instanceId), { ...host, endpoint: this.ctx.endpoint() });
    this.started.add(host.instanceId);
  }

  async stop(instanceId: string, how: 'stop' | 'terminate'): Promise<void> {
    await this.run(how, checked(instanceId), { instanceId, endpoint: this.ctx.endpoint() });
    this.started.delete(instanceId);
  }

  async close(): Promise<void> {}

  private run(verb: string, instanceId: string, input: object): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, [verb, instanceId], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${this.command} ${verb} ${instanceId} exited with ${code}: ${stderr.trim()}`))));
      child.stdin.end(JSON.stringify(input));
    });
  }
}
