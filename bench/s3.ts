// S3 throughput (issue 12): PutObject and GetObject of 1 MiB and 64 MiB objects through @aws-sdk/client-s3
// (streamed bodies, SigV4), against `cp` of the same file on the same disk, as a ratio (goal: at least 0.5x
// of cp for large objects). Twice: with the SDK's default CRC32 checksums (computed and checked by the client,
// in the same machine's CPU), and with client checksums only where required; the server computes MD5 (the
// ETag) and fsyncs every body either way. In the same run, moto's S3 server (bodies in memory) as a peer,
// and the client's ceiling: the same SDK against a server that drops what it is sent (s3-null-server.ts).
// Where the ceiling itself is far below cp, the SDK client (and the machine's load), not the server, is what
// keeps the ratio to cp low.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/wharf-process.js';
import { benchWharf, benchmark, exec, startMoto, startProcess, table, tempDir } from './lib.js';

const MIB = 1024 * 1024;
const SIZES = [
  { name: '1 MiB', bytes: MIB, rounds: 50 },
  { name: '64 MiB', bytes: 64 * MIB, rounds: 4 },
];

/**
 * MiB/s of each contender over `rounds` rounds, each moving `bytes` once per contender. The contenders take
 * turns within every round (each round starting with another), so that a change in the machine's load
 * (other work on it) falls on all of them alike rather than on whichever ran at the time.
 */
async function interleaved(bytes: number, rounds: number, contenders: Record<string, (round: number) => Promise<unknown>>): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const spent = Object.fromEntries(names.map((name) => [name, 0]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      const started = performance.now();
      await contenders[name]!(round);
      spent[name]! += performance.now() - started;
    }
  }
  return Object.fromEntries(names.map((name) => [name, (bytes * rounds) / MIB / (spent[name]! / 1000)]));
}

/** The client's ceiling (s3-null-server.ts), in a process of its own as the other servers are. */
async function startNullServer(): Promise<string> {
  const port = await freePort();
  const child = startProcess(process.execPath, [fileURLToPath(new URL('./s3-null-server.js', import.meta.url)), String(port)]);
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${endpoint}/ready`).then(() => true, () => false)) return endpoint;
    if (child.exitCode !== null || i === 100) throw new Error('the null S3 server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function s3Benchmark() {
  // The data dir and the files cp copies on the same disk.
  const dir = tempDir('wharf-bench-s3-');
  const [wharf, moto, ceiling] = await Promise.all([
    benchWharf({ dataDir: join(dir, 'data'), env: { WHARF_LOG_LEVEL: 'info' } }, { drain: false }),
    startMoto(),
    startNullServer(),
  ]);
  const keys = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const servers = {
    wharf: { endpoint: wharf.endpoint, credentials: wharf.credentials },
    moto: { endpoint: moto, credentials: keys },
    ceiling: { endpoint: ceiling, credentials: keys },
  };
  const modes = {
    'SDK defaults (CRC32)': {},
    'checksums when required': { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const,
  };
  const rows: Record<string, string | number>[] = [];
  for (const [mode, checksums] of Object.entries(modes)) {
    const clients = Object.entries(servers).map(([server, { endpoint, credentials }]) => ({
      server,
      s3: new S3Client({ endpoint, credentials, region: 'us-east-1', forcePathStyle: true, ...checksums }),
    }));
    for (const { s3 } of clients) await s3.send(new CreateBucketCommand({ Bucket: 'bench' })).catch((error: Error) => {
      if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
    });
    for (const { name, bytes, rounds } of SIZES) {
      const source = join(dir, `source-${bytes}`);
      writeFileSync(source, randomBytes(bytes));
      // The client reads the file in 1 MiB slices, as cp does in large ones (the 64 KiB default costs a read per slice).
      const put = (s3: S3Client) => (round: number) =>
        s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `${name}/${round}`, Body: createReadStream(source, { highWaterMark: MIB }), ContentLength: bytes }));
      const get = (s3: S3Client, server: string) => async (round: number) => {
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `${name}/${round}` }));
        const target = join(dir, `got-${server}-${bytes}-${round}`);
        await pipeline(Body as Readable, createWriteStream(target));
        if (statSync(target).size !== bytes) throw new Error(`GetObject of ${name} from ${server} returned a short body`);
      };
      const copy = (round: number) => exec('cp', [source, join(dir, `copy-${bytes}-${round}`)]);
      const puts = await interleaved(bytes, rounds, { cp: copy, ...Object.fromEntries(clients.map(({ server, s3 }) => [server, put(s3)])) });
      const gets = await interleaved(bytes, rounds, { cp: copy, ...Object.fromEntries(clients.map(({ server, s3 }) => [server, get(s3, server)])) });
      // cp's figure: its runs beside the PUTs and the GETs together.
      const cp = 2 / (1 / puts.cp! + 1 / gets.cp!);
      const measured = Object.fromEntries(clients.map(({ server }) => [server, { put: puts[server]!, get: gets[server]! }]));
      const { wharf: w, moto: m, ceiling: c } = measured as Record<'wharf' | 'moto' | 'ceiling', { put: number; get: number }>;
      const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
      rows.push({
        client: mode, object: name, 'cp MiB/s': Math.round(cp),
        'PUT MiB/s': Math.round(w.put), 'PUT/cp': ratio(w.put, cp), 'ceiling PUT': Math.round(c.put), 'PUT/ceiling': ratio(w.put, c.put), 'PUT/moto': ratio(w.put, m.put),
        'GET MiB/s': Math.round(w.get), 'GET/cp': ratio(w.get, cp), 'ceiling GET': Math.round(c.get), 'GET/ceiling': ratio(w.get, c.get), 'GET/moto': ratio(w.get, m.get),
      });
    }
    for (const { s3 } of clients) s3.destroy();
  }
  console.log(`\nS3 PutObject/GetObject through @aws-sdk/client-s3: Wharf (every body fsynced before the answer) against cp of the same file on the same disk (goal >= 0.5x for 64 MiB), moto's S3 (in memory) and the SDK's ceiling (a server that drops what it is sent); load average ${loadavg()[0]!.toFixed(1)}`);
  table(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(s3Benchmark);
