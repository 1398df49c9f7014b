// The Logger port on pino: JSON lines on stderr, a constant message plus fields.
import pino from 'pino';
import type { Logger } from '../core/ports.js';

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    child: (fields) => wrap(p.child(fields)),
  };
}

export function createLogger(level = process.env.WHARF_LOG_LEVEL ?? 'info'): Logger {
  return wrap(pino({ level, base: undefined }, pino.destination(2)));
}
