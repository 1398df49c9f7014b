// Starts the real `wharf up` in a child process on a free port with its own data dir, as a user would, and
// hands tests what they need to talk to it: the endpoint, credentials and environment for the AWS CLI.
// Its agents (and those started with `env`) remove stopped tasks' containers after a few seconds, and
// stop() drains Wharf first, so a suite leaves no container behind.
import {
  DeleteServiceCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent as HttpsAgent, get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABELS } from '../src/agent/container-config.js';

// The package root, whether this runs from test/ (tsx) or dist/test/ (compiled).
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
export const PACKAGE_ROOT = root;
export const WHARF_BIN = join(root, 'bin', 'wharf.js');

/** How long the agents keep a stopped task's containers here: long enough to inspect them, short enough to wait for. */
const TASK_CLEANUP_WAIT = '3s';

/**
 * A port free now, below the kernel's ephemeral range: a port from there (what listening on port 0 gives) may be
 * taken by any outgoing connection before the server that is to listen on it is up, which on a loaded host
 * takes seconds ('EADDRINUSE' at start).
 */
export async function freePort(): Promise<number> {
  const ephemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]) || 32768;
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (ephemeral - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface WharfProcess {
  endpoint: string;
  /** With `tls`: the self-signed certificate the server made (PEM), which verifies it. */
  ca?: string;
  dataDir: string;
  port: number;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Environment for the `aws` CLI and SDKs pointed at this Wharf. */
  env: NodeJS.ProcessEnv;
  ecs(): ECSClient;
  /**
   * Deletes every service and stops every task in every cluster, then waits until the agents have removed
   * all their containers; what is still there after a minute is removed and reported (thrown). Agents
   * started apart must still run.
   */
  drain(): Promise<void>;
  /** Drains it (unless the signal is SIGKILL: a crash), then stops it with the signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops it (SIGTERM unless told), its tasks left running, and starts it again on the same port, data dir and host lock or range. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  logs(): string;
  pid(): number;
}

/**
 * `tls`: `wharf up --tls`, HTTPS with a self-signed pair made in the data dir, which the clients here trust.
 * `hostWide`: the suite uses what one host has once (the DNS server's default address, the tasks' resolver;
 * AWS's default VPC range, 172.31.0.0/16), so it holds the host lock from start to stop and such suites run
 * one at a time while the others run beside them. Every other server makes its default VPCs in a /16 of its
 * own (`--default-vpc-cidr`), so awsvpc tasks of suites running at once never share an address range, and
 * its DNS server is off. Load-balancer listeners need no lock: suites bind them on ports from `freePort()`.
 * `nodeArgs`: Node's own options for the server (e.g. `--cpu-prof`).
 */
export async function startWharf(
  options: { args?: string[]; nodeArgs?: string[]; dataDir?: string; env?: NodeJS.ProcessEnv; tls?: boolean; hostWide?: boolean } = {},
): Promise<WharfProcess> {
  let lock = options.hostWide ? await hostLock() : await defaultVpcRange();
  let held = true;
  const release = () => {
    if (held) lock();
    held = false;
  };
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wharf-test-'));
  const endpoint = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const caFile = join(dataDir, 'tls', 'cert.pem');
  // Node 20's fetch takes no CA: over TLS, the health probe goes through node:https.
  const healthy = (): Promise<boolean> =>
    options.tls
      ? new Promise((resolve) => {
          if (!existsSync(caFile)) return resolve(false);
          httpsGet(`${endpoint}/_wharf/health`, { ca: readFileSync(caFile) }, (res) => resolve(res.resume().statusCode === 200)).on('error', () => resolve(false));
        })
      : fetch(`${endpoint}/_wharf/health`).then((r) => r.ok, () => false);
  let child: ChildProcess;
  let output = '';

  const launch = async () => {
    const tls = options.tls ? ['--tls'] : [];
    // ECR's registry defaults to the API's port + 1, which another suite's server may hold: any free port instead.
    const registry = options.args?.includes('--registry-port') ? [] : ['--registry-port', '0'];
    const vpc = lock.range ? ['--default-vpc-cidr', lock.range] : [];
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), WHARF_BIN, 'up', '--port', String(port), '--data-dir', dataDir, ...tls, ...registry, ...vpc, ...(options.args ?? [])], {
      // The DNS server's default address (the bridge gateway's port 53) is the host's once: host-wide suites only.
      env: { ...process.env, WHARF_LOG_LEVEL: 'debug', WHARF_TASK_CLEANUP_WAIT: TASK_CLEANUP_WAIT, ...(!options.hostWide && { WHARF_DNS_LISTEN: 'off' }), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    // Generous: three suites start their servers at once on a 2-core machine.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`wharf up exited ${child.exitCode}:\n${output}`);
      if (await healthy()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    // A server that never came up must not outlive the suite (its pipes would keep the test file running).
    child.kill('SIGKILL');
    throw new Error(`wharf up did not become healthy:\n${output}`);
  };
  // A server that exited or never came up gives the host lock back at once, not when the test file ends.
  await launch().catch((error) => {
    release();
    throw error;
  });

  const fromEnv = options.env?.WHARF_ROOT_ACCESS_KEY_ID;
  const credentials = fromEnv
    ? { accessKeyId: fromEnv, secretAccessKey: options.env!.WHARF_ROOT_SECRET_ACCESS_KEY! }
    : JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  const ca = options.tls ? readFileSync(caFile, 'utf8') : undefined;
  const env = {
    ...process.env,
    WHARF_TASK_CLEANUP_WAIT: TASK_CLEANUP_WAIT,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
    ...(ca && { AWS_CA_BUNDLE: caFile, NODE_EXTRA_CA_CERTS: caFile }),
  };
  const ecs = () => new ECSClient({ endpoint, region: 'us-east-1', credentials, ...(ca && { requestHandler: { httpsAgent: new HttpsAgent({ ca }) } }) });
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals) => {
    if (!running()) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  };
  return {
    endpoint,
    ...(ca && { ca }),
    dataDir,
    port,
    credentials,
    env,
    ecs,
    drain: () => drain(ecs()),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      try {
        if (signal !== 'SIGKILL' && running()) await drain(ecs());
        return await kill(signal);
      } finally {
        release();
      }
    },
    restart: async (signal: NodeJS.Signals = 'SIGTERM') => {
      await kill(signal);
      // Stopped before (its lock given back): the same lock again, as its data dir's VPCs are in that range.
      if (!held) [lock, held] = [await lock.retake(), true];
      await launch();
    },
    logs: () => output,
    pid: () => child.pid!,
  };
}

/** Gives a lock back; `retake` waits for the same one again (a restarted server keeps its range). */
type Release = (() => void) & { range?: string; retake: () => Promise<Release> };

const HOST_LOCK = join(tmpdir(), 'wharf-test-host.lock');
const rangeLockDir = (n: number) => join(tmpdir(), `wharf-test-vpc-${n}.lock`);

/** Waits for a lock; a dead holder's is taken over. */
async function waitForLock(dir: string): Promise<() => void> {
  for (;;) {
    const release = tryLock(dir);
    if (release) return release;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function hostLock(): Promise<Release> {
  return Object.assign(await waitForLock(HOST_LOCK), { retake: hostLock });
}

/** Range 10.n.0.0/16's lock: given back with the unused awsvpc networks a stopped server left in it. */
const rangeRelease = (n: number, release: () => void): Release =>
  Object.assign(() => (removeNetworksIn(`10.${n}.`), release()), {
    range: `10.${n}.0.0/16`,
    retake: async () => rangeRelease(n, await waitForLock(rangeLockDir(n))),
  });

/**
 * A default VPC range no other running test server holds: 10.100.0.0/16 to 10.199.0.0/16, each behind a lock,
 * and none where a Docker network already lies (an agent keeps its subnets' networks when it stops, to adopt
 * them again: a server stopped without draining leaves them).
 */
async function defaultVpcRange(): Promise<Release> {
  for (;;) {
    const taken = dockerSubnets();
    for (let n = 100; n < 200; n++) {
      if (taken.some((subnet) => subnet.startsWith(`10.${n}.`))) continue;
      const release = tryLock(rangeLockDir(n));
      if (release) return rangeRelease(n, release);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The IPv4 subnets of this host's Docker networks. */
function dockerSubnets(): string[] {
  return networkSubnets(execFileSync('docker', ['network', 'ls', '-q']).toString().split('\n').filter(Boolean)).map(([, subnet]) => subnet);
}

/** Each network's id and subnet. */
function networkSubnets(ids: string[]): [string, string][] {
  if (ids.length === 0) return [];
  // A network removed since it was listed fails the command, which still prints the others.
  const lines = spawnSync('docker', ['network', 'inspect', '-f', '{{.Id}} {{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids], { encoding: 'utf8' }).stdout.split('\n');
  return lines.flatMap((line) => {
    const [id, ...subnets] = line.split(/\s+/).filter(Boolean);
    return subnets.map((subnet): [string, string] => [id!, subnet]);
  });
}

/** Removes the unused awsvpc networks a stopped server left in its range (one in use stays: Docker refuses). */
function removeNetworksIn(prefix: string): void {
  const ids = execFileSync('docker', ['network', 'ls', '-q', '--filter', 'label=wharf.network=awsvpc']).toString().split('\n').filter(Boolean);
  for (const [id, subnet] of networkSubnets(ids)) {
    if (!subnet.startsWith(prefix)) continue;
    try {
      execFileSync('docker', ['network', 'rm', id], { stdio: 'ignore' });
    } catch {
      // In use, or gone already.
    }
  }
}

/** Takes a lock (a directory made atomically, with its holder's pid), or a dead holder's; undefined when held. */
function tryLock(dir: string): (() => void) | undefined {
  const pidFile = join(dir, 'pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dir);
      writeFileSync(pidFile, String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!lockHolderGone(dir, pidFile)) return undefined;
    rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}

function lockHolderGone(dir: string, pidFile: string): boolean {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return false;
  } catch (error) {
    // No pid yet: the holder is between mkdir and write, unless that was long ago.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000;
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function drain(ecs: ECSClient): Promise<void> {
  const instances: string[] = [];
  const { clusterArns = [] } = await ecs.send(new ListClustersCommand({}));
  for (const cluster of clusterArns) {
    // A service would replace the tasks stopped below.
    const { serviceArns = [] } = await ecs.send(new ListServicesCommand({ cluster }));
    await Promise.all(serviceArns.map((service) => ecs.send(new DeleteServiceCommand({ cluster, service, force: true }))));
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
    await Promise.all(taskArns.map((task) => ecs.send(new StopTaskCommand({ cluster, task, reason: 'test suite done' }))));
    const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    instances.push(...containerInstanceArns);
  }
  const left = () =>
    instances.flatMap((arn) =>
      execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABELS.containerInstanceArn}=${arn}`]).toString().split('\n').filter(Boolean),
    );
  try {
    await eventually(async () => (left().length === 0 ? true : undefined), 'the agents to remove their containers', 60_000);
  } catch (err) {
    const ids = left();
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids]);
    throw new Error(`containers left behind (now removed): ${ids.join(' ')}`, { cause: err });
  }
  // awsvpc subnets' networks go once unused for a moment (the agent's linger).
  const networks = () =>
    instances.flatMap((arn) =>
      execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=${LABELS.containerInstanceArn}=${arn}`]).toString().split('\n').filter(Boolean),
    );
  try {
    await eventually(async () => (networks().length === 0 ? true : undefined), 'the agents to remove their subnet networks', 30_000);
  } catch (err) {
    const ids = networks();
    if (ids.length) execFileSync('docker', ['network', 'rm', ...ids]);
    throw new Error(`networks left behind (now removed): ${ids.join(' ')}`, { cause: err });
  }
}

/**
 * A security group of the default VPC that lets every TCP port in from anywhere: what an internet-facing load
 * balancer's clients need, as on AWS (the VPC's default group, an ALB's when it names none, lets in only its members).
 */
export async function openSecurityGroup(wharf: Pick<WharfProcess, 'endpoint' | 'credentials'>, name: string, region = 'us-east-1'): Promise<string> {
  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region, credentials: wharf.credentials });
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: 'clients from anywhere' }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  return GroupId!;
}

/** Polls `probe` until it returns a value that is not undefined (no sleeps of fixed length in tests). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
