// The agent's own identity: its instance profile's role session, from the join step (core/instance-join.ts).
// Kept in the data dir (0600) so a restarted agent goes on as the same instance, and renewed well before it
// expires through the refresh endpoint, signed by the session itself, as EC2 rotates an instance's
// credentials in its metadata service. Nothing here ever holds the operator's credentials after the join.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  INSTANCE_CREDENTIALS_PATH,
  INSTANCE_JOIN_PATH,
  INSTANCE_JOIN_SIGNING_NAME,
  type InstanceCredentialsDocument,
  type InstanceJoinDocument,
  type InstanceJoinRequest,
} from '../core/instance-join.js';
import type { Logger } from '../core/ports.js';
import type { Credentials } from './channel.js';

export interface SessionCredentials extends Credentials {
  sessionToken: string;
  expiration: Date;
}

/** An instance as the join step made it: what the agent keeps. */
export interface JoinedInstance {
  instanceId: string;
  instanceProfileArn: string;
  credentials: SessionCredentials;
}

const FILE = 'instance-credentials.json';
/** Renewed this long before expiry (IMDS makes new credentials available at least 5 minutes ahead). */
const REFRESH_AHEAD_MS = 15 * 60 * 1000;
const RETRY_MS = 30_000;

/** The endpoint's refusal, named by its AWS error code (e.g. AccessDeniedException). */
export class JoinRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'JoinRefused';
  }
}

/**
 * Joins `instanceProfile` (name or ARN) as the operator whose credentials are given: a new instance and its
 * first session. `ca`: the PEM bundle that verifies an HTTPS endpoint, when Node's own roots do not.
 */
export async function joinInstance(endpoint: string, region: string, operator: Credentials, instanceProfile: string, ca?: string): Promise<JoinedInstance> {
  const body: InstanceJoinRequest = { IamInstanceProfile: instanceProfile.startsWith('arn:') ? { Arn: instanceProfile } : { Name: instanceProfile } };
  return joinedFrom((await signedPost(endpoint, INSTANCE_JOIN_PATH, region, operator, body, ca)) as InstanceJoinDocument);
}

/** What the agent keeps of the join step's answer. */
export function joinedFrom(document: InstanceJoinDocument): JoinedInstance {
  return { instanceId: document.InstanceId, instanceProfileArn: document.InstanceProfileArn, credentials: sessionOf(document) };
}

/** What a previous run kept, if anything. */
export async function readJoinedInstance(dataDir: string): Promise<JoinedInstance | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const saved = JSON.parse(text) as JoinedInstance;
  return { ...saved, credentials: { ...saved.credentials, expiration: new Date(saved.credentials.expiration) } };
}

async function saveJoinedInstance(dataDir: string, joined: JoinedInstance): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // Secret: readable by the agent's user only, from the moment it exists; write then rename, never half a file.
  const tmp = join(dataDir, `${FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(joined, null, 2) + '\n', { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, join(dataDir, FILE));
}

/** The instance's credentials, current at every call, renewed by run(). */
export class InstanceRoleCredentials {
  private joined: JoinedInstance;

  constructor(
    private readonly options: { endpoint: string; region: string; dataDir: string; log: Logger; ca?: string },
    joined: JoinedInstance,
  ) {
    this.joined = joined;
  }

  get instanceId(): string {
    return this.joined.instanceId;
  }

  /** A credentials provider for the SDK and the channel's signer. */
  readonly provide = async (): Promise<SessionCredentials> => this.joined.credentials;

  /** Keeps what it was given (a new join) or renews it at once (a restart: proves the kept session still works). */
  async start(fresh: boolean): Promise<void> {
    if (fresh) await saveJoinedInstance(this.options.dataDir, this.joined);
    else await this.refresh();
  }

  /** Renews the session ahead of its expiry until `signal` aborts; a failure is retried while the session lasts. */
  async run(signal: AbortSignal, now: () => number = Date.now): Promise<void> {
    while (!signal.aborted) {
      const due = this.joined.credentials.expiration.getTime() - REFRESH_AHEAD_MS - now();
      await sleep(Math.max(0, due), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      try {
        await this.refresh();
      } catch (err) {
        this.options.log.error('instance credentials not renewed', {
          instanceId: this.instanceId,
          error: err instanceof Error ? err.message : String(err),
          expiration: this.joined.credentials.expiration.toISOString(),
        });
        await sleep(RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async refresh(): Promise<void> {
    const { endpoint, region, dataDir, log, ca } = this.options;
    const document = (await signedPost(endpoint, INSTANCE_CREDENTIALS_PATH, region, this.joined.credentials, {}, ca)) as InstanceCredentialsDocument;
    this.joined = { ...this.joined, credentials: sessionOf(document) };
    await saveJoinedInstance(dataDir, this.joined);
    log.info('instance credentials renewed', { instanceId: this.instanceId, expiration: document.Expiration });
  }
}

function sessionOf(document: InstanceCredentialsDocument): SessionCredentials {
  return {
    accessKeyId: document.AccessKeyId,
    secretAccessKey: document.SecretAccessKey,
    sessionToken: document.Token,
    expiration: new Date(document.Expiration),
  };
}

/**
 * A SigV4-signed JSON POST to one of Wharf's internal endpoints (the join step's, by default scoped to their
 * signing name); its answer, or its refusal as JoinRefused.
 */
export async function signedPost(
  endpoint: string,
  path: string,
  region: string,
  credentials: Credentials,
  body: unknown,
  ca?: string,
  service = INSTANCE_JOIN_SIGNING_NAME,
): Promise<unknown> {
  const url = new URL(endpoint.replace(/\/+$/, '') + path);
  const text = JSON.stringify(body);
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body: text,
  });
  const response = await post(url, signed.headers, text, ca);
  let answer: { __type?: string; message?: string; Message?: string } = {};
  try {
    answer = JSON.parse(response.body) as typeof answer;
  } catch {
    // An answer that is not JSON is refused below by its status alone.
  }
  if (response.status < 200 || response.status > 299) throw new JoinRefused(answer.__type ?? `HTTP ${response.status}`, answer.message ?? answer.Message ?? '');
  return answer;
}

/** node:http(s) rather than fetch, whose TLS trust Node 20 does not let a caller extend with `ca`. */
function post(url: URL, headers: Record<string, string>, body: string, ca?: string): Promise<{ status: number; body: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, ...(ca && { ca }) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
