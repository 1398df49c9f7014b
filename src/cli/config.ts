// Configuration shared by the verbs: the data dir holds the database, the root credentials (0600) and the
// settings `wharf up` last ran with, so `wharf env` can print matching exports.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { securePrivateDir } from './data-dir.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ServerSettings {
  host: string;
  port: number;
  region: string;
  /** Served over TLS: the PEM bundle that verifies the server's certificate. */
  caBundle?: string;
}

export const DEFAULTS: ServerSettings & { dataDir: string } = {
  host: '127.0.0.1',
  port: 4566,
  region: 'us-east-1',
  dataDir: process.env.WHARF_DATA_DIR ?? './.wharf',
};

export const accountId = () => process.env.WHARF_ACCOUNT_ID ?? '000000000000';

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`10m`, `1h30m`, `500ms`), the format of the ECS agent's settings, in milliseconds. */
export function parseDuration(value: string): number {
  if (value === '0') return 0;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new Error(`${JSON.stringify(value)} is not a duration (e.g. 10m, 30s, 1h30m)`);
  }
  return parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * DURATION_UNITS_MS[unit!]!, 0);
}

/**
 * How long agents keep a stopped task's containers before removing them: WHARF_TASK_CLEANUP_WAIT, like
 * the ECS agent's ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION; undefined leaves the agent's default (10 minutes).
 */
export const taskCleanupWaitMs = (): number | undefined => envDuration('WHARF_TASK_CLEANUP_WAIT');

/**
 * How long an agent keeps a subnet's Docker network, and its emptied firewall rules, after its last awsvpc task
 * there left (so the next task does not make them again): WHARF_NETWORK_LINGER; undefined leaves the agent's
 * default (30 s).
 */
export const networkLingerMs = (): number | undefined => envDuration('WHARF_NETWORK_LINGER');

/**
 * How long a minute of deployment bake times (bakeTimeInMinutes, the linear and canary step bake times)
 * lasts: WHARF_DEPLOYMENT_MINUTE, for tests only (docs/deployments.md); undefined leaves a real minute.
 */
export const deploymentMinuteMs = (): number | undefined => envDuration('WHARF_DEPLOYMENT_MINUTE');

/**
 * How long EC2's Spot interruption notice lasts before it terminates the instance: WHARF_SPOT_NOTICE, for
 * tests only (docs/ec2-instances.md); undefined leaves EC2's two minutes.
 */
export const spotNoticeMs = (): number | undefined => envDuration('WHARF_SPOT_NOTICE');

/** A duration from an environment variable, or undefined when unset. */
function envDuration(name: string): number | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  try {
    return parseDuration(value);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

export function dataDirPath(dir: string): string {
  const path = resolve(dir);
  securePrivateDir(path);
  return path;
}

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Root credentials: from the environment when set, else created at first start and kept in the data dir. */
export function rootCredentials(dataDir: string): Credentials {
  const { WHARF_ROOT_ACCESS_KEY_ID: id, WHARF_ROOT_SECRET_ACCESS_KEY: secret } = process.env;
  if (id && secret) return { accessKeyId: id, secretAccessKey: secret };
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const bytes = randomBytes(16);
  const credentials = {
    // AWS root-style key ids: AKIA + 16 base32 characters.
    accessKeyId: 'AKIA' + [...bytes].map((b) => ALPHANUM[b % 32]).join(''),
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  return credentials;
}

/**
 * The server's own secret, created at first start and kept in the data dir (0600): it seals STS session
 * tokens and derives temporary credentials' secret keys, so sessions survive restarts with nothing stored.
 */
export function serverSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'server-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64') + '\n', { mode: 0o600 });
  return secret;
}

export function saveSettings(dataDir: string, settings: ServerSettings): void {
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
}

export function loadSettings(dataDir: string): Partial<ServerSettings> {
  const file = join(dataDir, 'settings.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ServerSettings) : {};
}
