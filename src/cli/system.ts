import { randomBytes } from 'node:crypto';
import type { Clock, Ids } from '../core/ports.js';

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: Ids = { id: () => randomBytes(16).toString('hex') };
