// Temporary credentials that carry themselves. The session token is the session sealed with AES-256-GCM
// under a key derived from the server's secret, the access key id bound in as associated data; the secret
// access key is an HMAC of the access key id. So nothing is stored per session, a restart keeps sessions
// valid, and a forged or altered token, or a token moved to another key, does not open.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CallerSession } from '../../core/caller.js';
import type { Ids } from '../../core/ports.js';

/** Who a session is: a role session (AssumeRole, task and instance roles), or a user's or root's own (GetSessionToken). */
export type SessionPrincipal =
  | { role: { name: string; id: string; sessionName: string } }
  | { user: { name: string; id: string } }
  | { root: true };

/** What a session token seals: everything verification needs, so that it needs no stored session. */
export interface SealedSession extends Omit<CallerSession, 'expiration'> {
  principal: SessionPrincipal;
  /** Epoch milliseconds. */
  expiration: number;
}

export interface OpenedSession {
  session: SealedSession;
  secretAccessKey: string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// Verification runs on every signed call; a session is opened once and then found here (bounded).
const OPENED_CACHE_SIZE = 4096;

export class SessionKeys {
  private readonly sealKey: Buffer;
  private readonly secretKey: Buffer;
  private readonly opened = new Map<string, OpenedSession>();

  /** `serverSecret`: the data dir's secret (cli/config.ts serverSecret). */
  constructor(serverSecret: Buffer) {
    this.sealKey = createHmac('sha256', serverSecret).update('wharf sts session token').digest();
    this.secretKey = createHmac('sha256', serverSecret).update('wharf sts secret access key').digest();
  }

  /** A fresh temporary access key id: ASIA and 16 base-32 characters, as AWS's. */
  accessKeyId(ids: Ids): string {
    const bits = BigInt(`0x${ids.id()}`);
    let id = 'ASIA';
    for (let i = 0; i < 16; i++) id += BASE32[Number((bits >> BigInt(5 * i)) & 31n)];
    return id;
  }

  secretAccessKey(accessKeyId: string): string {
    return createHmac('sha256', this.secretKey).update(accessKeyId).digest('base64').slice(0, 40);
  }

  seal(accessKeyId: string, session: SealedSession): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(accessKeyId));
    const sealed = Buffer.concat([cipher.update(deflateRawSync(JSON.stringify(session))), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  /** The session sealed in `token` for `accessKeyId`, or undefined when the token is not one this server sealed for that key. */
  open(accessKeyId: string, token: string): OpenedSession | undefined {
    const cacheKey = `${accessKeyId} ${token}`;
    const cached = this.opened.get(cacheKey);
    if (cached) return cached;
    const session = this.unseal(accessKeyId, token);
    if (!session) return undefined;
    const opened = { session, secretAccessKey: this.secretAccessKey(accessKeyId) };
    if (this.opened.size >= OPENED_CACHE_SIZE) this.opened.clear();
    this.opened.set(cacheKey, opened);
    return opened;
  }

  private unseal(accessKeyId: string, token: string): SealedSession | undefined {
    const bytes = Buffer.from(token, 'base64');
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION || bytes.toString('base64') !== token) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, bytes.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(Buffer.from(accessKeyId));
      decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(inflateRawSync(plain).toString('utf8')) as SealedSession;
    } catch {
      // The tag did not verify: forged, altered, or sealed for another key or by another server.
      return undefined;
    }
  }
}
