// Reading a container's output from the Engine API (`GET /containers/{id}/logs?follow=1&timestamps=1`):
// without a TTY the stream is multiplexed (8-byte frame headers: stream type, size), one frame per log
// message, each starting with its RFC 3339 nanosecond timestamp; a line longer than the engine's 16 KiB
// buffer comes as several messages, only the last ending in a newline. With a TTY the output is raw text,
// one timestamped line after another.
import type { ContainerLogLine } from '../../core/runtime.js';

const NANOS_PER_SECOND = 1_000_000_000n;

/** The last second read, in nanoseconds: a busy container's lines share it, and parsing it is the cost. */
let lastSecond: { text: string; nanos: bigint } = { text: '', nanos: 0n };

/** An engine time (`2026-12-05T18:30:00.12345Z`, trailing zeros trimmed, or with an offset) in nanoseconds. */
export function engineTimeNanos(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const second = `${match[1]}${match[3]}`;
  if (second !== lastSecond.text) {
    const ms = Date.parse(second);
    if (Number.isNaN(ms)) return undefined;
    lastSecond = { text: second, nanos: (BigInt(ms) / 1000n) * NANOS_PER_SECOND };
  }
  return lastSecond.nanos + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** The `since` query parameter for a time in nanoseconds: `<seconds>.<nanoseconds>`. */
export const sinceParam = (nanos: bigint) => `${nanos / NANOS_PER_SECOND}.${String(nanos % NANOS_PER_SECOND).padStart(9, '0')}`;

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;

/**
 * The lines of a logs stream, in order, a batch per chunk read; partial messages joined into their line
 * (timed by its first part).
 */
export async function* logLines(chunks: AsyncIterable<Buffer>, tty: boolean): AsyncIterable<ContainerLogLine[]> {
  const partial: Partial<Record<ContainerLogLine['stream'], { timeNanos: bigint; text: string }>> = {};
  let lines: ContainerLogLine[] = [];
  const message = (stream: ContainerLogLine['stream'], payload: string) => {
    const space = payload.indexOf(' ');
    const time = engineTimeNanos(payload.slice(0, space));
    if (space < 0 || time === undefined) return;
    let text = payload.slice(space + 1);
    const complete = text.endsWith('\n');
    if (complete) text = text.slice(0, tty && text.endsWith('\r\n') ? -2 : -1);
    const start = partial[stream];
    if (!complete) {
      partial[stream] = { timeNanos: start?.timeNanos ?? time, text: (start?.text ?? '') + text };
      return;
    }
    delete partial[stream];
    lines.push({ timeNanos: start?.timeNanos ?? time, stream, text: (start?.text ?? '') + text });
  };
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    if (tty) {
      let newline: number;
      while ((newline = pending.indexOf(10)) >= 0) {
        message('stdout', pending.subarray(0, newline + 1).toString('utf8'));
        pending = pending.subarray(newline + 1);
      }
    } else {
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        const stream = STREAMS[pending[0] as 1 | 2];
        if (stream) message(stream, pending.subarray(8, 8 + size).toString('utf8'));
        pending = pending.subarray(8 + size);
      }
    }
    if (lines.length) {
      yield lines;
      lines = [];
    }
  }
  // What was left unterminated when the container stopped is a line too.
  const rest = Object.entries(partial).map(([stream, line]) => ({ ...line, stream: stream as ContainerLogLine['stream'] }));
  if (rest.length) yield rest;
}
