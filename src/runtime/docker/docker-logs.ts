// Reading a container's output from the Engine API (`GET /containers/{id}/logs?follow=1&timestamps=1`):
// without a TTY the stream is multiplexed (8-byte frame headers: stream type, size), one frame per log
// message, each starting with its RFC 3339 nanosecond timestamp; a line longer than the engine's 16 KiB
// buffer comes as several messages, only the last ending in a newline. With a TTY the output is raw text,
// one timestamped line after another.
import type { ContainerLogLine } from '../../core/runtime.js';

const NANOS_PER_SECOND = 1_000_000_000n;

/** An engine time (`2026-12-05T18:30:00.12345Z`, trailing zeros trimmed, or with an offset) in nanoseconds. */
export function engineTimeNanos(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return (BigInt(seconds) / 1000n) * NANOS_PER_SECOND + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** The `since` query parameter for a time in nanoseconds: `<seconds>.<nanoseconds>`. */
export const sinceParam = (nanos: bigint) => `${nanos / NANOS_PER_SECOND}.${String(nanos % NANOS_PER_SECOND).padStart(9, '0')}`;

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;

/** The lines of a logs stream, in order; partial messages joined into their line (timed by its first part). */
export async function* logLines(chunks: AsyncIterable<Buffer>, tty: boolean): AsyncIterable<ContainerLogLine> {
  const partial: Partial<Record<ContainerLogLine['stream'], { timeNanos: bigint; text: string }>> = {};
  const message = function* (stream: ContainerLogLine['stream'], payload: string): Iterable<ContainerLogLine> {
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
    yield { timeNanos: start?.timeNanos ?? time, stream, text: (start?.text ?? '') + text };
  };
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    if (tty) {
      let newline: number;
      while ((newline = pending.indexOf(10)) >= 0) {
        yield* message('stdout', pending.subarray(0, newline + 1).toString('utf8'));
        pending = pending.subarray(newline + 1);
      }
      continue;
    }
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const stream = STREAMS[pending[0] as 1 | 2];
      if (stream) yield* message(stream, pending.subarray(8, 8 + size).toString('utf8'));
      pending = pending.subarray(8 + size);
    }
  }
  // What was left unterminated when the container stopped is a line too.
  for (const [stream, rest] of Object.entries(partial)) yield { ...rest, stream: stream as ContainerLogLine['stream'] };
}
