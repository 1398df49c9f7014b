// Starts the real `wharf up` in a child process on a free port with its own data dir, as a user would, and
// hands tests what they need to talk to it: the endpoint, credentials and environment for the AWS CLI.
import { ECSClient } from '@aws-sdk/client-ecs';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package root, whether this runs from test/ (tsx) or dist/test/ (compiled).
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
export const WHARF_BIN = join(root, 'bin', 'wharf.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface WharfProcess {
  endpoint: string;
  dataDir: string;
  port: number;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Environment for the `aws` CLI and SDKs pointed at this Wharf. */
  env: NodeJS.ProcessEnv;
  ecs(): ECSClient;
  /** Stops it with a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
  logs(): string;
  pid(): number;
}

export async function startWharf(options: { args?: string[]; dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<WharfProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wharf-test-'));
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let output = '';

  const launch = async () => {
    child = spawn(process.execPath, [WHARF_BIN, 'up', '--port', String(port), '--data-dir', dataDir, ...(options.args ?? [])], {
      env: { ...process.env, WHARF_LOG_LEVEL: 'debug', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`wharf up exited ${child.exitCode}:\n${output}`);
      const ready = await fetch(`${endpoint}/_wharf/health`).then((r) => r.ok, () => false);
      if (ready) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`wharf up did not become healthy:\n${output}`);
  };
  await launch();

  const fromEnv = options.env?.WHARF_ROOT_ACCESS_KEY_ID;
  const credentials = fromEnv
    ? { accessKeyId: fromEnv, secretAccessKey: options.env!.WHARF_ROOT_SECRET_ACCESS_KEY! }
    : JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  };
  return {
    endpoint,
    dataDir,
    port,
    credentials,
    env,
    ecs: () => new ECSClient({ endpoint, region: 'us-east-1', credentials }),
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    logs: () => output,
    pid: () => child.pid!,
  };
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
