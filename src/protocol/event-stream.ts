// AWS's event stream framing (`application/vnd.amazon.eventstream`), in which an operation's output event
// stream goes out (Logs' StartLiveTail): each message is its total length and its headers' length (32-bit,
// big-endian), a CRC-32 of those eight bytes, the headers (a byte of name length, the name, type 7 for a
// string, two bytes of value length, the value), the payload, and a CRC-32 of everything before it.
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { AwsError } from '../core/errors.js';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** One message: string headers (names and values ASCII-safe as AWS's are) and a payload. */
export function eventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const encoded = Object.entries(headers).map(([name, value]) => {
    const [nameBytes, valueBytes] = [Buffer.from(name, 'utf8'), Buffer.from(value, 'utf8')];
    if (nameBytes.length > 255 || valueBytes.length > 0xffff) throw new Error(`event stream header ${name} too long`);
    const header = Buffer.alloc(1 + nameBytes.length + 3);
    header.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(header, 1);
    header.writeUInt8(7, 1 + nameBytes.length);
    header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    return Buffer.concat([header, valueBytes]);
  });
  const headerBytes = Buffer.concat(encoded);
  const total = 12 + headerBytes.length + payload.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const message = Buffer.concat([prelude, headerBytes, payload, Buffer.alloc(4)]);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** How the events of one stream are written: each event's payload by its union member, in the codec's content type. */
export interface EventWriters {
  contentType: string;
  /** The union member's payload, or undefined for a member the stream does not have. */
  event(member: string, value: unknown): Buffer | undefined;
  /** Whether the union names this error as one of its modelled exceptions. */
  modelledError(code: string): boolean;
  /** A modelled exception's payload. */
  exception(error: AwsError): Buffer;
}

/**
 * The response body of an event stream: the `initial-response` event (the output's other members), then each
 * `{ member: value }` the handler's iterable yields as an event message; a modelled exception it throws as an `exception` message, anything else as an `error` message,
 * either ending the stream. When the client goes away, the iterable is returned (its `finally` runs).
 */
export function eventStreamBody(events: AsyncIterable<Record<string, unknown>>, writers: EventWriters, initial: Buffer): Readable {
  async function* messages() {
    // The RPC protocols' output members besides the stream, first (botocore refuses a stream without it).
    yield eventMessage({ ':message-type': 'event', ':event-type': 'initial-response', ':content-type': writers.contentType }, initial);
    try {
      for await (const event of events) {
        for (const [member, value] of Object.entries(event)) {
          const payload = writers.event(member, value);
          if (payload) yield eventMessage({ ':message-type': 'event', ':event-type': member, ':content-type': writers.contentType }, payload);
        }
      }
    } catch (error) {
      if (error instanceof AwsError && writers.modelledError(error.code)) {
        yield eventMessage({ ':message-type': 'exception', ':exception-type': error.code, ':content-type': writers.contentType }, writers.exception(error));
      } else {
        const message = error instanceof AwsError ? error.message : 'An internal error occurred.';
        yield eventMessage({ ':message-type': 'error', ':error-code': error instanceof AwsError ? error.code : 'InternalFailure', ':error-message': message }, Buffer.alloc(0));
      }
    }
  }
  return Readable.from(messages(), { objectMode: false });
}
