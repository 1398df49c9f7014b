// Hashing a large body on the hash worker (hash-worker.ts) rather than on the thread that serves requests:
// MD5 alone costs more CPU per MiB than receiving the bytes, so on the request's thread it halves the rate
// a PUT can arrive at. The body's buffers travel to the worker and back by transfer, not by copy; a buffer
// that shares its memory with others (a slice of a larger one) cannot be moved alone, so a batch holding one
// goes as a single copy.
import { Worker } from 'node:worker_threads';
import type { BodyDigests, HashRequest } from './body-hashes.js';
import type { HashMessage, HashReply } from './hash-worker.js';

export interface HashSession {
  /** Hashes `data` in order; each batch comes back through `returned`, as buffers to use in place of these. */
  update(data: Buffer[]): void;
  /** The digests, after every batch has come back; ends the session. */
  digests(): Promise<BodyDigests>;
  /** Ends the session without digests (the body failed); nothing more comes back. */
  drop(): void;
}

interface Listener {
  returned(data: Buffer[]): void;
  failed(error: Error): void;
  digested?: { resolve(digests: BodyDigests): void; reject(error: Error): void };
}

let worker: Worker | undefined;
let nextId = 1;
const listeners = new Map<number, Listener>();

function started(): Worker {
  if (worker) return worker;
  const fresh = new Worker(new URL('./hash-worker.js', import.meta.url));
  fresh.on('message', (reply: HashReply) => {
    const listener = listeners.get(reply.id);
    if (!listener) return;
    if ('data' in reply) return listener.returned(reply.data.map((data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
    forget(reply.id);
    if ('digests' in reply) listener.digested?.resolve(reply.digests);
    else listener.digested?.reject(new Error(reply.error));
  });
  const lost = (error: Error) => {
    if (worker === fresh) worker = undefined;
    const failed = [...listeners.values()];
    listeners.clear();
    for (const listener of failed) listener.digested ? listener.digested.reject(error) : listener.failed(error);
  };
  fresh.on('error', lost);
  fresh.on('exit', (code) => lost(new Error(`the hash worker exited (${code})`)));
  // Idle, it must not keep the process alive (listeners added later would ref it again).
  fresh.unref();
  return (worker = fresh);
}

// While a body is being hashed the worker keeps the process alive, as the body's socket would.
function forget(id: number): boolean {
  const known = listeners.delete(id);
  if (listeners.size === 0) worker?.unref();
  return known;
}

/** Whether `data` alone holds its memory, so that moving that memory takes nothing from anyone else. */
const ownsMemory = (data: Buffer) => data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;

/** One buffer of its own (never a slice of Node's shared pool) holding `data`. */
function copied(data: Buffer[]): Buffer {
  const out = Buffer.allocUnsafeSlow(data.reduce((sum, d) => sum + d.length, 0));
  let at = 0;
  for (const d of data) at += d.copy(out, at);
  return out;
}

export function hashOffThread(request: HashRequest, listener: Omit<Listener, 'digested'>): HashSession {
  const id = nextId++;
  const entry: Listener = { ...listener };
  const post = (message: HashMessage, transfer: ArrayBuffer[] = []) => started().postMessage(message, transfer);
  post({ id, start: request });
  listeners.set(id, entry);
  worker!.ref();
  return {
    update(data) {
      const moved = data.every(ownsMemory) ? data : [copied(data)];
      post({ id, data: moved }, moved.map((d) => d.buffer as ArrayBuffer));
    },
    digests: () =>
      new Promise<BodyDigests>((resolve, reject) => {
        if (!listeners.has(id)) return reject(new Error('the hash worker was lost'));
        entry.digested = { resolve, reject };
        post({ id, end: true });
      }),
    drop() {
      if (!forget(id)) return;
      post({ id, drop: true });
    },
  };
}
