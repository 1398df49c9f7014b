// Small shared pieces of the benchmarks: percentiles, a bounded concurrent load loop, a result table, and
// the one cleanup registry through which every benchmark stops what it started (processes, containers,
// networks, temp dirs, Wharf itself) on success, on failure and on Ctrl-C.
import { ListClustersCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS } from '../src/agent/container-config.js';
import { testSigner } from '../src/protocol/test-signer.js';
import { eventually, freePort, startWharf, type WharfProcess } from '../test/wharf-process.js';

/**
 * What the benchmarks started, each with how to stop it: stopped last-first by `stopAll`, which `benchmark`
 * calls whatever the outcome, and which Ctrl-C (SIGINT) and SIGTERM call before the process exits.
 */
const started: { what: string; stop: () => unknown }[] = [];

/** Registers how to stop something just started; returns a function that stops it now (once). */
export function onCleanup(what: string, stop: () => unknown): () => Promise<void> {
  const entry = { what, stop };
  started.push(entry);
  return async () => {
    const at = started.indexOf(entry);
    if (at < 0) return;
    started.splice(at, 1);
    await entry.stop();
  };
}

/** Stops everything registered, newest first; a step that fails is reported and the others still run. */
export async function stopAll(): Promise<void> {
  for (let entry = started.pop(); entry; entry = started.pop()) {
    try {
      await entry.stop();
    } catch (error) {
      console.error(`[bench] could not stop ${entry.what}: ${(error as Error).message}`);
    }
  }
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (signalled) return; // a second Ctrl-C while stopping: let the clean-up finish
    signalled = true;
    console.error(`[bench] ${signal}: stopping what was started`);
    void stopAll().finally(() => process.exit(130));
  });

/** Runs one benchmark, then stops what it started, whether it succeeded or failed. */
export async function benchmark<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    await stopAll();
  }
}

/** Fails with one clear line when a command the benchmark needs is missing (before anything is started). */
export function requireTools(tools: Record<string, string>): void {
  const missing = Object.entries(tools).filter(([tool]) => !installed(tool));
  if (missing.length > 0) throw new MissingToolError(missing.map(([tool, hint]) => `${tool} (${hint})`).join(', '));
}

/** A benchmark that cannot run here, and says why (its README row says so too). */
export class BenchmarkSkipped extends Error {}

export class MissingToolError extends BenchmarkSkipped {
  constructor(missing: string) {
    super(`missing: ${missing}`);
  }
}

export function installed(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** A temporary directory, removed at clean-up. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A long-running process, stopped (SIGTERM, then SIGKILL after 5 s) and waited for at clean-up. */
export function startProcess(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: 'ignore', ...options });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  onCleanup(`${cmd} (pid ${child.pid})`, async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  });
  return child;
}

/** `docker run -d ...`, its container removed at clean-up; resolves with the container's id. */
export async function dockerRun(args: string[]): Promise<string> {
  const id = (await exec('docker', ['run', '-d', ...args])).trim();
  onCleanup(`container ${id.slice(0, 12)}`, () => exec('docker', ['rm', '-f', id]));
  return id;
}

/**
 * `wharf up` (test/wharf-process.ts), stopped at clean-up: drained (its tasks stopped, their containers
 * removed), then whatever its agents still left in Docker (containers, awsvpc networks, found by the label
 * naming their container instance) is removed, and its data dir with it. Without `drain`, it is killed
 * at once (for hollow fleets, whose services would only replace what a drain stops).
 */
export async function benchWharf(options: Parameters<typeof startWharf>[0] = {}, { drain = true } = {}): Promise<WharfProcess> {
  // WHARF_BENCH_CPU_PROF=<dir>: each server writes a CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.WHARF_BENCH_CPU_PROF;
  const wharf = await startWharf(profile ? { ...options, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`, ...(options.nodeArgs ?? [])] } : options);
  const instances = new Set<string>();
  // The instances are learnt while Wharf answers, so that what they made can be found even if it dies first.
  const learn = async () => {
    const ecs = wharf.ecs();
    const { clusterArns = [] } = await ecs.send(new ListClustersCommand({}));
    for (const cluster of clusterArns)
      for (const arn of (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? []) instances.add(arn);
    ecs.destroy();
  };
  await eventually(async () => (await learn().then(() => instances.size > 0, () => false)) || undefined, 'the local agent to join', 30_000).catch(() => undefined);
  onCleanup(`wharf up (pid ${wharf.pid()})`, async () => {
    await learn().catch(() => undefined);
    // Without a drain it is killed; a profiled server is first asked to stop, so that it writes its profile.
    if (!drain && profile) await terminated(wharf.pid());
    await (drain ? wharf.stop() : Promise.reject(new Error('no drain'))).catch(() => wharf.stop('SIGKILL'));
    // One listing of each for all its instances (a hollow fleet has a thousand), each line an id and its instance.
    const theirs = async (list: string[]) =>
      (await exec('docker', [...list, '--filter', `label=${LABELS.containerInstanceArn}`, '--format', `{{.ID}} {{.Label "${LABELS.containerInstanceArn}"}}`]))
        .split('\n')
        .map((line) => line.split(' '))
        .filter(([id, arn]) => id && instances.has(arn!))
        .map(([id]) => id!);
    const containers = await theirs(['ps', '-a']);
    if (containers.length) await exec('docker', ['rm', '-f', ...containers]);
    const networks = await theirs(['network', 'ls']);
    if (networks.length) await exec('docker', ['network', 'rm', ...networks]);
    if (!options.dataDir) rmSync(wharf.dataDir, { recursive: true, force: true });
  });
  return wharf;
}

/** SIGTERM to a process, then waits (up to 30 s) until it has exited. */
async function terminated(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  process.kill(pid, 'SIGTERM');
  await eventually(async () => !alive() || undefined, `pid ${pid} to exit`, 30_000).catch(() => undefined);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `call` from `concurrency` loops for `seconds` (bounded in time and count), timing each call. */
export async function load(call: () => Promise<unknown>, { concurrency = 16, seconds = 5, maxRequests = 1_000_000 } = {}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && latencies.length + errors < maxRequests) {
      const t = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export function table(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]!);
  const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => fmt(r[k] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(keys));
  for (const r of rows) console.log(line(keys.map((k) => fmt(r[k] ?? ''))));
}

/** Runs a command to completion, resolving with its stdout; rejects on a non-zero exit. */
export function exec(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // A missing command is an 'error' event, not an exit: unhandled, it would crash the process.
    child.on('error', (error) => reject(new Error(`${cmd}: ${error.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}

/**
 * A signed ECS call over a kept-alive connection, without the SDK: for tight polling loops, where the SDK's
 * own ~1 ms of CPU per call would compete with what is being measured on a 2-core machine.
 */
export async function ecsCall(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, operation: string, input: unknown): Promise<any> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input);
  const headers = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
  };
  const signed = await testSigner(credentials).sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** moto's server on a free port, stopped with the benchmark (the peer of most API benchmarks); its endpoint. */
export async function startMoto(): Promise<string> {
  const port = await freePort();
  const child = startProcess('python3', ['-m', 'moto.server', '-p', String(port)]);
  const endpoint = `http://127.0.0.1:${port}`;
  // Up to a minute: moto imports slowly on a loaded machine (20 s was not always enough for it to answer).
  for (let i = 0; ; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) return endpoint;
    if (child.exitCode !== null || i === 600) throw new Error('moto did not start: is it installed (pip install "moto[server]")?');
    await new Promise((r) => setTimeout(r, 100));
  }
}
