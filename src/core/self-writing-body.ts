// A response body that can write itself to its destination more cheaply than as a stream of fresh chunks
// (an S3 object's file, read into a few reused buffers: no allocation per chunk, so no garbage collection
// per few MiB sent). The gateway prefers `writeTo` where a body has it; any other consumer reads the stream.
import type { Readable, Writable } from 'node:stream';

export interface SelfWritingBody extends Readable {
  /** Writes the whole body to `destination` (not ending it) and releases the body; rejects if either fails. */
  writeTo(destination: Writable): Promise<void>;
}

export const writesItself = (body: Readable): body is SelfWritingBody => typeof (body as Partial<SelfWritingBody>).writeTo === 'function';
