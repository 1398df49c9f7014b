// The hash worker: hashes large S3 bodies (body-hashes.ts) on a thread of its own, so that the request's
// thread only moves bytes. Each message's buffers are transferred here (their memory moves, not a copy) and,
// once hashed, transferred back in the same order for the body to go on to its store. Started by
// off-thread-hashes.ts; one worker serves every body, each under its session id.
import { parentPort } from 'node:worker_threads';
import { BodyHashes, type BodyDigests, type HashRequest } from './body-hashes.js';

export type HashMessage =
  | { id: number; start: HashRequest }
  | { id: number; data: Uint8Array[] }
  | { id: number; end: true }
  | { id: number; drop: true };

export type HashReply = { id: number; data: Uint8Array[] } | { id: number; digests: BodyDigests } | { id: number; error: string };

const sessions = new Map<number, BodyHashes>();
const port = parentPort!;
const reply = (message: HashReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: HashMessage) => {
  const { id } = message;
  if ('start' in message) return void sessions.set(id, new BodyHashes(message.start));
  if ('drop' in message) return void sessions.delete(id);
  const hashes = sessions.get(id);
  if (!hashes) return;
  if ('data' in message) {
    for (const data of message.data) hashes.update(data);
    return reply({ id, data: message.data }, message.data.map((data) => data.buffer as ArrayBuffer));
  }
  sessions.delete(id);
  hashes.digests().then(
    (digests) => reply({ id, digests }),
    (error: Error) => reply({ id, error: error.message }),
  );
});
