// Event stream framing against the AWS event stream test suite's encoded vectors (empty_message,
// one_str_header), and a stream's events, exception and end as a handler's iterable makes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../core/errors.js';
import { eventMessage, eventStreamBody, type EventWriters } from './event-stream.js';

describe('event stream messages', () => {
  it('frames as the AWS vectors do', () => {
    assert.equal(eventMessage({}, Buffer.alloc(0)).toString('hex'), '000000100000000005c248eb7d98c8ff');
    assert.equal(
      eventMessage({ 'content-type': 'application/json' }, Buffer.from("{'foo':'bar'}")).toString('base64'),
      'AAAAPQAAACAH/YOWDGNvbnRlbnQtdHlwZQcAEGFwcGxpY2F0aW9uL2pzb257J2Zvbyc6J2Jhcid9jZwIsQ==',
    );
  });

  it('writes the initial response, each event, then a modelled exception, and ends', async () => {
    const writers: EventWriters = {
      contentType: 'application/json',
      event: (member, value) => (member === 'tick' ? Buffer.from(JSON.stringify(value)) : undefined),
      modelledError: (code) => code === 'SessionTimeoutException',
      exception: (error) => Buffer.from(JSON.stringify({ message: error.message })),
    };
    async function* events() {
      yield { tick: { n: 1 } };
      yield { unknown: {} };
      throw new AwsError('SessionTimeoutException', 'over', 400);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of eventStreamBody(events(), writers, Buffer.from('{}'))) chunks.push(chunk as Buffer);
    assert.deepEqual(chunks, [
      eventMessage({ ':message-type': 'event', ':event-type': 'initial-response', ':content-type': 'application/json' }, Buffer.from('{}')),
      eventMessage({ ':message-type': 'event', ':event-type': 'tick', ':content-type': 'application/json' }, Buffer.from('{"n":1}')),
      eventMessage({ ':message-type': 'exception', ':exception-type': 'SessionTimeoutException', ':content-type': 'application/json' }, Buffer.from('{"message":"over"}')),
    ]);
  });
});
