import { randomBytes } from 'node:crypto';
import type { Ids, Timer } from '../core/ports.js';

export const systemClock: Timer = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Ids drawn 16 random bytes at a time from a pool refilled 4 KiB at once: a draw per id cost RunTask a tenth of its CPU. */
const ID_BYTES = 16;
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

export const randomIds: Ids = {
  id: () => {
    if (used === pool.length) {
      pool = randomBytes(POOL_BYTES);
      used = 0;
    }
    used += ID_BYTES;
    return pool.toString('hex', used - ID_BYTES, used);
  },
};
