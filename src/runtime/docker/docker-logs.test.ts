// Reading the Engine API's log streams: frames, timestamps, partial messages, TTY output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineTimeNanos, logLines, sinceParam } from './docker-logs.js';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

async function collect(chunks: Buffer[], tty = false) {
  const lines = [];
  for await (const batch of logLines((async function* () { yield* chunks; })(), tty)) lines.push(...batch);
  return lines;
}

describe('Docker log streams', () => {
  it('reads engine times to the nanosecond, and writes `since` back', () => {
    assert.equal(engineTimeNanos('2026-12-05T18:30:00.123456789Z'), 1796495400123456789n);
    assert.equal(engineTimeNanos('2026-12-05T18:30:00.5Z'), 1796495400500000000n);
    assert.equal(engineTimeNanos('2026-12-05T18:30:00Z'), 1796495400000000000n);
    assert.equal(engineTimeNanos('yesterday'), undefined);
    assert.equal(sinceParam(1796495400000000042n), '1796495400.000000042');
  });

  it('demultiplexes frames split anywhere, keeps stdout and stderr in order, joins partial messages', async () => {
    const bytes = Buffer.concat([
      frame(1, '2026-12-05T18:30:00.1Z one\n'),
      frame(2, '2026-12-05T18:30:00.2Z oops\n'),
      frame(1, '2026-12-05T18:30:00.3Z long '),
      frame(1, '2026-12-05T18:30:00.4Z line\n'),
      frame(1, '2026-12-05T18:30:00.5Z no newline at exit'),
    ]);
    const lines = await collect([bytes.subarray(0, 5), bytes.subarray(5, 40), bytes.subarray(40)]);
    assert.deepEqual(lines.map((l) => [l.stream, l.text]), [['stdout', 'one'], ['stderr', 'oops'], ['stdout', 'long line'], ['stdout', 'no newline at exit']]);
    assert.equal(lines[2]!.timeNanos, engineTimeNanos('2026-12-05T18:30:00.3Z'));
  });

  it('reads a TTY container raw output line by line', async () => {
    const lines = await collect([Buffer.from('2026-12-05T18:30:00.1Z a\r\n2026-12-05T18:30:00.2Z'), Buffer.from(' b\r\n')], true);
    assert.deepEqual(lines.map((l) => l.text), ['a', 'b']);
  });
});
