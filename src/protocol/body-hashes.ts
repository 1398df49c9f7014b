// The hashes an S3 body gets as it passes: MD5 (the ETag), a SHA-256 its signer claimed, and the checksum
// (x-amz-checksum-*) its client named. One object computes them, on whichever thread it runs: the request's
// own for a small body, the hash worker (hash-worker.ts) for a large one.
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc64Nvme } from '@aws-sdk/checksums';

/** The checksum algorithms S3 takes (x-amz-checksum-<name>). */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** An incremental checksum: `digest` once, after the last update. */
interface Checksum {
  update(data: Uint8Array): void;
  digest(): Promise<Buffer>;
}

function checksumOf(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32': {
      let value = 0;
      return { update: (data) => void (value = crc32(data, value)), digest: async () => uint32(value) };
    }
    case 'crc32c': {
      let value = 0;
      return { update: (data) => void (value = crc32c(data, value)), digest: async () => uint32(value) };
    }
    case 'crc64nvme': {
      const crc = new Crc64Nvme();
      return { update: (data) => crc.update(data), digest: async () => Buffer.from(await crc.digest()) };
    }
    default: {
      const hash: Hash = createHash(algorithm);
      return { update: (data) => void hash.update(data), digest: async () => hash.digest() };
    }
  }
}

const uint32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
};

// CRC-32C (Castagnoli), which node:zlib does not have: table-driven, reflected polynomial 0x82F63B78.
const CRC32C_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c;
});

export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Which hashes a body needs (plain data: it crosses to the hash worker). */
export interface HashRequest {
  sha256: boolean;
  checksum?: ChecksumAlgorithm;
}

export interface BodyDigests {
  /** MD5, Base64 (as Content-MD5 carries it). */
  md5: string;
  /** SHA-256, hex (as x-amz-content-sha256 carries it), when asked. */
  sha256?: string;
  /** The checksum, Base64 (as x-amz-checksum-* carries it), when asked. */
  checksum?: string;
}

export class BodyHashes {
  private readonly md5 = createHash('md5');
  private readonly sha256?: Hash;
  private readonly checksum?: Checksum;

  constructor(request: HashRequest) {
    if (request.sha256) this.sha256 = createHash('sha256');
    if (request.checksum) this.checksum = checksumOf(request.checksum);
  }

  update(data: Uint8Array): void {
    this.md5.update(data);
    this.sha256?.update(data);
    this.checksum?.update(data);
  }

  async digests(): Promise<BodyDigests> {
    return {
      md5: this.md5.digest('base64'),
      ...(this.sha256 && { sha256: this.sha256.digest('hex') }),
      ...(this.checksum && { checksum: (await this.checksum.digest()).toString('base64') }),
    };
  }
}
