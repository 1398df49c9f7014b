// The agent's end of the channel (core/agent-protocol.ts): a WebSocket to the endpoint DiscoverPollEndpoint
// names, its upgrade request signed with SigV4 like any ECS call. It pings so the control plane sees the
// instance alive, notices a dead peer, and reconnects with capped, jittered backoff for as long as the
// agent runs, unless the control plane closes it because the instance is unknown or deregistered: that is
// for good (onInstanceGone), as ECS's agent treats a deregistered instance.
import { setTimeout as sleep } from 'node:timers/promises';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import WebSocket from 'ws';
import {
  AGENT_CHANNEL_PATH,
  CLOSE_DEREGISTERED,
  CLOSE_UNKNOWN_INSTANCE,
  type AgentMessage,
  type ControlMessage,
} from '../core/agent-protocol.js';
import { HeartbeatWindows } from '../core/heartbeat.js';
import type { Logger } from '../core/ports.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Credentials as they are, or a provider of the current ones (an instance's renewed session). */
export type CredentialSource = Credentials | (() => Promise<Credentials>);

export interface AgentChannelOptions {
  /** Asks the control plane where to connect (DiscoverPollEndpoint); called before every connection. */
  discover(): Promise<string>;
  clusterArn: string;
  containerInstanceArn: string;
  /** Offer the host as Wharf-managed capacity (Fargate tasks may run on it). */
  managedCapacity?: boolean;
  region: string;
  credentials: CredentialSource;
  log: Logger;
  signal: AbortSignal;
  onMessage(message: ControlMessage): void;
  /** Called on every (re)connection, once the socket is open. */
  onOpen?(): void;
  /** The control plane no longer knows the instance (deregistered, or never known): the channel has ended. */
  onInstanceGone(closeCode: number): void;
  pingIntervalMs?: number;
  /** The PEM bundle that verifies a WSS endpoint's certificate, when Node's own roots do not. */
  ca?: string;
}

const DEFAULT_PING_MS = 10_000;
/**
 * Ping windows without a word from the control plane after which the connection is given up (a minute, as
 * ECS's agent waits for ACS's heartbeat). A closed connection is noticed at once; this is for a peer
 * or path gone silently, and a control plane that is only slow to answer is not left for it.
 */
const MISSED_PINGS = 6;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 30_000;

/** The channel's URL and the signed headers of its upgrade request. */
export async function signedChannelRequest(
  endpoint: string,
  params: { clusterArn: string; containerInstanceArn: string; managedCapacity?: boolean; region: string; credentials: CredentialSource },
): Promise<{ url: string; headers: Record<string, string> }> {
  const url = new URL(endpoint.replace(/\/+$/, '') + AGENT_CHANNEL_PATH);
  const query: Record<string, string> = {
    cluster: params.clusterArn,
    containerInstance: params.containerInstanceArn,
    ...(params.managedCapacity && { managedCapacity: 'true' }),
  };
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const signer = new SignatureV4({ service: 'ecs', region: params.region, credentials: params.credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: { host: url.host },
  });
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: url.toString(), headers: signed.headers };
}

export class AgentChannel {
  /** Resolves once the socket is closed for good: the agent is stopping, or its instance is gone. */
  readonly done: Promise<void>;
  private socket?: WebSocket;

  constructor(private readonly options: AgentChannelOptions) {
    this.done = this.run();
  }

  /** Sends when connected; otherwise drops it (onOpen resends what must survive a reconnection). */
  send(message: AgentMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private async run(): Promise<void> {
    const { signal, log } = this.options;
    for (let attempt = 0; !signal.aborted; attempt++) {
      let heard = false;
      try {
        const endpoint = await this.options.discover();
        const code = await this.session(endpoint, () => (heard = true));
        if (code === CLOSE_UNKNOWN_INSTANCE || code === CLOSE_DEREGISTERED) return this.options.onInstanceGone(code);
      } catch (err) {
        // The error's name carries AWS's code (AccessDeniedException once the identity may no longer poll).
        log.warn('agent channel failed', { error: err instanceof Error ? err.message : String(err), code: err instanceof Error ? err.name : undefined, attempt });
      }
      if (signal.aborted) break;
      // A session that got as far as hearing from the control plane resets the backoff.
      if (heard) attempt = 0;
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One connection: resolves with the close code when it closes after opening, rejects when it never opened. */
  private async session(endpoint: string, heard: () => void): Promise<number | undefined> {
    const { signal, log } = this.options;
    const { url, headers } = await signedChannelRequest(endpoint, this.options);
    if (signal.aborted) return undefined;
    const ws = new WebSocket(url, { headers, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, ...(this.options.ca && { ca: this.options.ca }) });
    return new Promise<number>((resolve, reject) => {
      let opened = false;
      const heartbeats = new HeartbeatWindows(this.options.pingIntervalMs ?? DEFAULT_PING_MS, MISSED_PINGS, Date.now());
      let failure: Error | undefined;
      const close = () => ws.close(1000, 'agent stopping');
      signal.addEventListener('abort', close, { once: true });
      // Judged after this turn's I/O is read (setImmediate): timers run before it, so after the process was
      // busy a while a pong already received would not have been read yet, and a live peer would look gone.
      const pinger = setInterval(() => setImmediate(() => {
        // Still connecting (a loaded host's handshake can outlast an interval): the handshake timeout covers it.
        if (ws.readyState !== ws.OPEN) return;
        // Nothing heard for MISSED_PINGS windows of this process's own ticks: the peer or the path is gone.
        if (heartbeats.look(Date.now())) return ws.terminate();
        ws.ping();
      }), this.options.pingIntervalMs ?? DEFAULT_PING_MS);

      ws.on('open', () => {
        opened = true;
        this.socket = ws;
        log.info('agent channel connected', { endpoint });
        this.options.onOpen?.();
      });
      // A refused upgrade (AccessDeniedException when the identity may not poll this instance) says why in its body.
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const body = parseError(text);
          failure = Object.assign(new Error(`agent channel refused (HTTP ${res.statusCode}): ${body.message}`), { name: body.code });
          ws.terminate();
        });
      });
      ws.on('pong', () => heartbeats.heard());
      ws.on('message', (data) => {
        heartbeats.heard();
        heard();
        let message: ControlMessage;
        try {
          message = JSON.parse(data.toString()) as ControlMessage;
        } catch {
          log.warn('agent channel message unreadable');
          return;
        }
        if (message.type === 'tasks' || message.type === 'taskChanges') this.options.onMessage(message);
        else log.warn('agent channel message unknown', { type: (message as { type?: unknown }).type });
      });
      ws.on('error', (err) => (failure = err));
      ws.on('close', (code, reason) => {
        clearInterval(pinger);
        signal.removeEventListener('abort', close);
        if (this.socket === ws) this.socket = undefined;
        if (opened) {
          // 4000-4999 are the control plane's own reasons (e.g. an unknown or deregistered instance).
          log[code >= 4000 ? 'warn' : 'info']('agent channel closed', { code, reason: reason.toString() });
          resolve(code);
        } else reject(failure ?? new Error(`agent channel closed before opening (${code})`));
      });
    });
  }
}

/** The code and message of an error the gateway answered (AWS's JSON error form). */
function parseError(text: string): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
    return { code: (body.__type ?? 'Unknown').replace(/^.*#/, ''), message: body.message ?? body.Message ?? '' };
  } catch {
    return { code: 'Unknown', message: text.slice(0, 200) };
  }
}
