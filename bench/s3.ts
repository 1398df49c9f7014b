// S3 throughput (issue 12): PutObject and GetObject of 1 MiB and 64 MiB objects through @aws-sdk/client-s3
// (streamed bodies, SigV4), against `cp` of the same file on the same disk, as a ratio (goal: at least 0.5x
// of cp for large objects). Twice: with the SDK's default CRC32 checksums (computed and checked by the client,
// in the same machine's CPU), and with client checksums only where required; the server computes MD5 (the
// ETag) and fsyncs every body either way.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { benchWharf, benchmark, exec, table, tempDir } from './lib.js';

const MIB = 1024 * 1024;
const SIZES = [
  { name: '1 MiB', bytes: MIB, rounds: 50 },
  { name: '64 MiB', bytes: 64 * MIB, rounds: 4 },
];

/** MiB/s of `rounds` runs of `run`, each moving `bytes`. */
async function throughput(bytes: number, rounds: number, run: (round: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let round = 0; round < rounds; round++) await run(round);
  return (bytes * rounds) / MIB / ((performance.now() - started) / 1000);
}

export async function s3Benchmark() {
  // The data dir and the files cp copies on the same disk.
  const dir = tempDir('wharf-bench-s3-');
  const wharf = await benchWharf({ dataDir: join(dir, 'data'), env: { WHARF_LOG_LEVEL: 'info' } }, { drain: false });
  const base = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, forcePathStyle: true };
  const clients = {
    'SDK defaults (CRC32)': new S3Client(base),
    'checksums when required': new S3Client({ ...base, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
  };
  await clients['SDK defaults (CRC32)'].send(new CreateBucketCommand({ Bucket: 'bench' }));
  const rows: Record<string, string | number>[] = [];
  for (const [client, s3] of Object.entries(clients)) {
    for (const { name, bytes, rounds } of SIZES) {
      const source = join(dir, `source-${bytes}`);
      writeFileSync(source, randomBytes(bytes));
      const cp = await throughput(bytes, rounds, (round) => exec('cp', [source, join(dir, `copy-${bytes}-${round}`)]));
      const put = await throughput(bytes, rounds, (round) =>
        s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `${name}/${round}`, Body: createReadStream(source), ContentLength: bytes })),
      );
      const get = await throughput(bytes, rounds, async (round) => {
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `${name}/${round}` }));
        const target = join(dir, `got-${bytes}-${round}`);
        await pipeline(Body as Readable, createWriteStream(target));
        if (statSync(target).size !== bytes) throw new Error(`GetObject of ${name} returned a short body`);
      });
      rows.push(
        { client, object: name, 'cp MiB/s': Math.round(cp), 'PUT MiB/s': Math.round(put), 'PUT/cp': `${(put / cp).toFixed(2)}x`, 'GET MiB/s': Math.round(get), 'GET/cp': `${(get / cp).toFixed(2)}x` },
      );
    }
  }
  for (const s3 of Object.values(clients)) s3.destroy();
  console.log('\nS3 PutObject/GetObject through @aws-sdk/client-s3 against cp of the same file on the same disk (goal >= 0.5x for 64 MiB)');
  table(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(s3Benchmark);
