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

export const randomIds: Ids = { id: () => randomBytes(16).toString('hex') };
