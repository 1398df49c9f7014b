// Configuration shared by the verbs: the data dir holds the database, the root credentials (0600) and the
// settings `wharf up` last ran with, so `wharf env` can print matching exports.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ServerSettings {
  host: string;
  port: number;
  region: string;
}

export const DEFAULTS: ServerSettings & { dataDir: string } = {
  host: '127.0.0.1',
  port: 4566,
  region: 'us-east-1',
  dataDir: process.env.WHARF_DATA_DIR ?? './.wharf',
};

export const accountId = () => process.env.WHARF_ACCOUNT_ID ?? '000000000000';

export function dataDirPath(dir: string): string {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true, mode: 0o700 });
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

export function saveSettings(dataDir: string, settings: ServerSettings): void {
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

export function loadSettings(dataDir: string): Partial<ServerSettings> {
  const file = join(dataDir, 'settings.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ServerSettings) : {};
}
