// A file (or a byte range of it) as a response body. Read as a stream, it reads in slices of its own; written
// with `writeTo` (what the gateway does for S3 GetObject), it reads into two buffers taken from a small pool
// shared by all bodies, one being filled while the other is sent, each reused only once its write has
// completed: no buffer is allocated per slice, so a large GET makes no garbage for V8 to collect.
import { close, fstatSync, openSync, read } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import type { SelfWritingBody } from '../core/self-writing-body.js';

// Each read is a trip to libuv's thread pool, and on a busy machine every trip waits for a core: slices
// large enough that there are few of them.
export const SLICE = 1024 * 1024;
// Free buffers kept for the next body; beyond this, a body's buffers are left to the garbage collector.
const POOL_SIZE = 8;
const pool: Buffer[] = [];
const take = () => pool.pop() ?? Buffer.allocUnsafeSlow(SLICE);
const give = (buffer: Buffer) => void (pool.length < POOL_SIZE && pool.push(buffer));

const readAt = (fd: number, buffer: Buffer, length: number, position: number) =>
  new Promise<number>((resolve, reject) => read(fd, buffer, 0, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))));

const ShortFile = () => new Error('the body file is shorter than its object');

export class FileBody extends Readable implements SelfWritingBody {
  private readonly fd: number;
  private position: number;
  private left: number;

  /** Opens `path` now (a missing file throws here); `range` inclusive, the whole file without it. */
  constructor(path: string, range?: { start: number; end: number }) {
    super({ highWaterMark: SLICE });
    this.fd = openSync(path, 'r');
    this.position = range?.start ?? 0;
    this.left = range ? range.end - range.start + 1 : fstatSync(this.fd).size;
  }

  override _read(): void {
    if (this.left === 0) return void this.push(null);
    const buffer = Buffer.allocUnsafe(Math.min(SLICE, this.left));
    readAt(this.fd, buffer, buffer.length, this.position).then(
      (bytes) => {
        if (bytes === 0) return this.destroy(ShortFile());
        this.position += bytes;
        this.left -= bytes;
        this.push(bytes < buffer.length ? buffer.subarray(0, bytes) : buffer);
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    close(this.fd, () => callback(error));
  }

  async writeTo(destination: Writable): Promise<void> {
    const buffers = [take(), take()];
    // A destination that fails or closes early (the client went away) fails the pending write; its error is
    // handled here while this body writes to it, as a pipeline would.
    let failed: (error?: Error) => void = () => undefined;
    const gone = new Promise<never>((_, reject) => (failed = (error) => reject(error ?? new Error('the destination closed'))));
    gone.catch(() => undefined);
    destination.on('close', failed).on('error', failed);
    const write = (chunk: Buffer) =>
      Promise.race([gone, new Promise<void>((resolve, reject) => destination.write(chunk, (error) => (error ? reject(error) : resolve())))]);
    const fill = async (buffer: Buffer) => {
      const length = Math.min(buffer.length, this.left);
      const bytes = await readAt(this.fd, buffer, length, this.position);
      if (bytes === 0) throw ShortFile();
      this.position += bytes;
      this.left -= bytes;
      return buffer.subarray(0, bytes);
    };
    try {
      let next = this.left > 0 ? fill(buffers[0]!) : undefined;
      for (let turn = 1; next; turn++) {
        const chunk = await next;
        // The other buffer's last write has completed (awaited below), so it can be filled while this one is sent.
        next = this.left > 0 ? fill(buffers[turn % 2]!) : undefined;
        await write(chunk).catch(async (error: Error) => {
          await next?.catch(() => undefined);
          throw error;
        });
      }
    } finally {
      destination.off('close', failed).off('error', failed);
      // Handed back only when no read or write still uses them: on success, and when a failure was awaited out.
      buffers.forEach(give);
      this.destroy();
    }
  }
}
