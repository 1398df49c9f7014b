// A request body that an operation takes as a stream (S3 PutObject, UploadPart): never held in memory, and
// checked as it passes. The payload modes S3 accepts (x-amz-content-sha256): a hex SHA-256 (checked at the
// end), `UNSIGNED-PAYLOAD`, `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` (aws-chunked, each chunk's signature
// chained from the seed signature and checked before its data is passed on) and
// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (aws-chunked, a checksum in the trailer). Content-MD5 and the
// x-amz-checksum-* values (in a header or the trailer) are checked at the end; a failed check errors the
// stream before it ends, so whoever stores it keeps nothing. MD5 (the ETag) and the requested checksum are
// kept for the handler.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AwsError } from '../core/errors.js';
import { BodyHashes, CHECKSUM_ALGORITHMS, type BodyDigests, type ChecksumAlgorithm, type HashRequest } from './body-hashes.js';
import { hashOffThread, type HashSession } from './off-thread-hashes.js';
import { chunkSignature, type ChunkSigning } from './sigv4.js';

// A body up to this size is hashed on the request's thread when it ends; a larger one goes to the hash
// worker in batches of this size, with at most MAX_HASHING bytes there at once (then the request waits).
const BATCH = 1024 * 1024;
const MAX_HASHING = 4 * BATCH;

/** What the request says about its body, from its head. */
export interface PayloadOptions {
  headers: Record<string, string | string[] | undefined>;
  /** The signed payload mode (x-amz-content-sha256 when not a hash), or undefined. */
  payloadMode?: string;
  /** A hex SHA-256 the signer claimed for the body: checked at the end. */
  claimedSha256?: string;
  /** For STREAMING-AWS4-HMAC-SHA256-PAYLOAD: the seed signature and key (undefined: chunk signatures not checked). */
  chunkSigning?: ChunkSigning;
}

const header = (headers: PayloadOptions['headers'], name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export const BadDigest = (message: string) => new AwsError('BadDigest', message, 400);
const InvalidDigest = (message: string) => new AwsError('InvalidDigest', message, 400);
const IncompleteBody = (message: string) => new AwsError('IncompleteBody', message, 400);
const InvalidChunk = (message: string) => new AwsError('InvalidRequest', message, 400);
const ChunkSignatureMismatch = () =>
  new AwsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403);

/** What the body turned out to be, once the stream has ended. */
export interface PayloadDigests {
  size: number;
  /** MD5 of the body, hex: the ETag of a single-part object. */
  md5: string;
  /** The checksum the client asked for (header, trailer or x-amz-sdk-checksum-algorithm), Base64. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** When the body's last byte arrived (performance.now()): what follows is hashing's tail and the store's. */
  receivedAt: number;
}

/**
 * The decoded body, checked as it passes; `digests` once it has ended. The chunks written to it become its own
 * (a socket's are nobody else's): a large body's are moved to the hash worker and back before they go on.
 */
export class PayloadStream extends Transform {
  digests?: PayloadDigests;
  private readonly hashRequest: HashRequest;
  private readonly checksum?: { algorithm: ChecksumAlgorithm; expected?: string; trailer: boolean };
  private readonly contentMd5?: string;
  private readonly decoder?: ChunkDecoder;
  private readonly decodedLength?: number;
  private size = 0;
  // Accepted data not yet sent on to be hashed; the worker's session once a batch has gone there.
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private session?: HashSession;
  private hashing = 0;
  private waiting?: TransformCallback;

  constructor(private readonly options: PayloadOptions) {
    // Room for a few socket reads on each side: the 16 KiB default pauses the request every read or two.
    super({ highWaterMark: 1024 * 1024 });
    const { headers, payloadMode } = options;
    const contentMd5 = header(headers, 'content-md5');
    if (contentMd5 !== undefined) {
      const digest = Buffer.from(contentMd5, 'base64');
      if (digest.length !== 16 || digest.toString('base64') !== contentMd5) throw InvalidDigest('The Content-MD5 you specified was invalid.');
      this.contentMd5 = contentMd5;
    }
    const trailerName = header(headers, 'x-amz-trailer')?.trim().toLowerCase();
    const named = CHECKSUM_ALGORITHMS.find((algorithm) => header(headers, `x-amz-checksum-${algorithm}`) !== undefined);
    const trailed = CHECKSUM_ALGORITHMS.find((algorithm) => trailerName === `x-amz-checksum-${algorithm}`);
    const asked = header(headers, 'x-amz-sdk-checksum-algorithm')?.toLowerCase() as ChecksumAlgorithm | undefined;
    const algorithm = named ?? trailed ?? (asked && CHECKSUM_ALGORITHMS.includes(asked) ? asked : undefined);
    if (asked && !CHECKSUM_ALGORITHMS.includes(asked)) throw new AwsError('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.', 400);
    if (algorithm) this.checksum = { algorithm, expected: named ? header(headers, `x-amz-checksum-${named}`) : undefined, trailer: trailed !== undefined && !named };
    // A claimed SHA-256 comes only with a plain body (a streaming mode takes its place), so it hashes the same bytes.
    this.hashRequest = { sha256: options.claimedSha256 !== undefined, ...(algorithm && { checksum: algorithm }) };
    if (payloadMode?.startsWith('STREAMING-')) {
      const decoded = header(headers, 'x-amz-decoded-content-length');
      if (decoded !== undefined) this.decodedLength = Number(decoded);
      const signed = payloadMode.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') ? options.chunkSigning : undefined;
      this.decoder = new ChunkDecoder(signed, payloadMode.endsWith('-TRAILER'), (data) => this.accept(data));
    } else if (payloadMode !== undefined && payloadMode !== 'UNSIGNED-PAYLOAD') {
      throw new AwsError('InvalidArgument', `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a SHA-256 hex digest.`, 400);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (this.decoder) this.decoder.write(chunk);
      else this.accept(chunk);
    } catch (error) {
      return callback(error as Error);
    }
    // Only once the chunk is done with: sending moves the memory of what it holds.
    if (this.batchBytes >= BATCH) this.sendBatch();
    if (this.hashing < MAX_HASHING) callback();
    else this.waiting = callback;
  }

  private accept(data: Buffer): void {
    if (data.length === 0) return;
    this.size += data.length;
    this.batch.push(data);
    this.batchBytes += data.length;
  }

  private sendBatch(): void {
    if (this.batchBytes === 0) return;
    this.session ??= hashOffThread(this.hashRequest, { returned: (data) => this.hashed(data), failed: (error) => this.destroy(error) });
    this.hashing += this.batchBytes;
    this.session.update(this.batch);
    this.batch = [];
    this.batchBytes = 0;
  }

  private hashed(data: Buffer[]): void {
    for (const chunk of data) {
      this.hashing -= chunk.length;
      this.push(chunk);
    }
    const waiting = this.waiting;
    if (waiting && this.hashing < MAX_HASHING) {
      this.waiting = undefined;
      waiting();
    }
  }

  override _flush(callback: TransformCallback): void {
    this.finish().then(() => callback(), (error: Error) => callback(error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.session?.drop();
    callback(error);
  }

  /** The digests of the whole body: from the worker if it has any of it, else hashed here (a small body). */
  private async hashAll(): Promise<BodyDigests> {
    if (this.session) {
      this.sendBatch();
      return this.session.digests();
    }
    const hashes = new BodyHashes(this.hashRequest);
    for (const data of this.batch) {
      hashes.update(data);
      this.push(data);
    }
    this.batch = [];
    return hashes.digests();
  }

  private async finish(): Promise<void> {
    const receivedAt = performance.now();
    let trailers: Map<string, string> | undefined;
    if (this.decoder) {
      trailers = this.decoder.end();
      if (this.decodedLength !== undefined && this.decodedLength !== this.size)
        throw IncompleteBody('You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.');
    }
    const digests = await this.hashAll();
    if (this.options.claimedSha256 !== undefined && digests.sha256 !== this.options.claimedSha256)
      throw new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    if (this.contentMd5 !== undefined && digests.md5 !== this.contentMd5) throw BadDigest('The Content-MD5 you specified did not match what we received.');
    let checksum: PayloadDigests['checksum'];
    if (this.checksum) {
      const { algorithm, trailer } = this.checksum;
      const value = digests.checksum!;
      const expected = trailer ? trailers?.get(`x-amz-checksum-${algorithm}`) : this.checksum.expected;
      if (trailer && expected === undefined) throw new AwsError('MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.', 400);
      if (expected !== undefined && expected !== value)
        throw BadDigest(`The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
      checksum = { algorithm, value };
    }
    this.digests = { size: this.size, md5: Buffer.from(digests.md5, 'base64').toString('hex'), checksum, receivedAt };
  }
}

const CRLF = Buffer.from('\r\n');
// A chunk's head (`<hex size>;chunk-signature=<64 hex>`) and a trailer line are far shorter than this.
const MAX_LINE = 4096;

/**
 * aws-chunked: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` ... `0[;chunk-signature=<sig>]\r\n`, then the
 * trailer's `name:value\r\n` lines and an empty line. Signed chunks are held until their signature checks
 * (SDKs send 64 KiB chunks), so no unverified byte reaches the store.
 */
class ChunkDecoder {
  private pending = Buffer.alloc(0);
  private state: 'head' | 'data' | 'crlf' | 'trailer' | 'done' = 'head';
  private remaining = 0;
  private signature?: string;
  private previous: string;
  private data: Buffer[] = [];
  private dataHash?: Hash;
  private readonly trailers = new Map<string, string>();
  private trailerLines: string[] = [];

  constructor(
    private readonly signing: ChunkSigning | undefined,
    private readonly trailer: boolean,
    private readonly emit: (data: Buffer) => void,
  ) {
    this.previous = signing?.seed ?? '';
  }

  write(chunk: Buffer): void {
    let input = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (input.length > 0) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, input.length);
        this.chunkData(input.subarray(0, take));
        input = input.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'crlf';
        continue;
      }
      const eol = input.indexOf(CRLF);
      if (eol < 0) {
        if (input.length > MAX_LINE) throw InvalidChunk('The aws-chunked body has a line longer than allowed.');
        this.pending = Buffer.from(input);
        return;
      }
      const line = input.subarray(0, eol).toString('latin1');
      input = input.subarray(eol + 2);
      this.line(line);
    }
  }

  private line(line: string): void {
    switch (this.state) {
      case 'crlf':
        if (line !== '') throw InvalidChunk('The aws-chunked body is malformed: a chunk is longer than its declared size.');
        this.endChunk();
        this.state = 'head';
        return;
      case 'head': {
        const [size, ...extensions] = line.split(';');
        if (!/^[0-9a-fA-F]{1,16}$/.test(size!)) throw InvalidChunk('The aws-chunked body is malformed: bad chunk size.');
        this.remaining = parseInt(size!, 16);
        this.signature = extensions.find((extension) => extension.startsWith('chunk-signature='))?.slice('chunk-signature='.length);
        if (this.signing && this.signature === undefined) throw ChunkSignatureMismatch();
        this.dataHash = this.signing ? createHash('sha256') : undefined;
        if (this.remaining === 0) {
          this.endChunk();
          // Without a trailer the final chunk is followed by an empty line.
          this.state = 'trailer';
        } else {
          this.state = 'data';
        }
        return;
      }
      case 'trailer':
        if (line === '') {
          this.checkTrailer();
          this.state = 'done';
          return;
        }
        this.trailerLines.push(line);
        if (this.trailerLines.length > 16) throw InvalidChunk('The aws-chunked trailer has too many lines.');
        return;
      case 'done':
        if (line !== '') throw InvalidChunk('The aws-chunked body has data after its final chunk.');
        return;
    }
  }

  private chunkData(data: Buffer): void {
    if (!this.signing) return this.emit(data);
    this.dataHash!.update(data);
    this.data.push(Buffer.from(data));
  }

  private endChunk(): void {
    if (!this.signing) return;
    const expected = chunkSignature(this.signing, 'PAYLOAD', this.previous, this.dataHash!.digest('hex'));
    if (expected !== this.signature) throw ChunkSignatureMismatch();
    this.previous = expected;
    for (const data of this.data) this.emit(data);
    this.data = [];
  }

  private checkTrailer(): void {
    let signature: string | undefined;
    let canonical = '';
    for (const line of this.trailerLines) {
      const colon = line.indexOf(':');
      if (colon < 0) throw new AwsError('MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.', 400);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') signature = value;
      else {
        this.trailers.set(name, value);
        canonical += `${name}:${value}\n`;
      }
    }
    if (this.signing && this.trailer) {
      const expected = chunkSignature(this.signing, 'TRAILER', this.previous, createHash('sha256').update(canonical).digest('hex'));
      if (signature !== expected) throw ChunkSignatureMismatch();
    }
  }

  /** The trailer's values, once the body has ended; throws when it ended early. */
  end(): Map<string, string> {
    // A body may end right after the final chunk's empty line, or (no trailer) after the final chunk alone.
    if (this.state === 'trailer' && this.trailerLines.length === 0 && this.pending.length === 0) this.checkTrailer();
    else if (this.state !== 'done') throw IncompleteBody('The request body terminated unexpectedly.');
    return this.trailers;
  }
}
