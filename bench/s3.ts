// S3 throughput (issue 12): PutObject and GetObject of 1 MiB and 64 MiB objects against `cp` of the same file
// on the same disk, as a ratio (goal: at least 0.5x of cp for large objects), through two clients:
// - curl with a presigned URL (SigV4, UNSIGNED-PAYLOAD): a lean client, a process per transfer as cp is, so
//   the ratio shows what Wharf's server costs;
// - @aws-sdk/client-s3 (streamed bodies, SigV4), with its default CRC32 checksums (computed and checked by
//   the client, in the same machine's CPU) and with client checksums only where required.
// The server computes MD5 (the ETag) and any checksum asked for, and fsyncs every body, either way. In the
// same run: moto's S3 server (bodies in memory) as a peer, and each client's ceiling: the same client
// against a server that drops what it is sent (s3-null-server.ts). Where a ceiling itself is far below cp,
// that client (and the machine's load), not the server, is what keeps its ratio to cp low.
// Two figures of Wharf's own that the machine's load blurs less than a throughput: its CPU per MiB moved
// (the whole process, and its request thread alone; from /proc), and for PUTs the time from the body's last
// byte arriving to the PUT being committed (the server's debug log: hashing's last batch, the final flush
// to disk, the commit), as a median over the rounds.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { testSigner, type TestCredentials } from '../src/protocol/test-signer.js';
import { freePort } from '../test/wharf-process.js';
import { benchWharf, benchmark, exec, requireTools, startMoto, startProcess, table, tempDir } from './lib.js';
import type { ReadmeRow } from './readme-table.js';

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

/** CPU time (ms) a process has used, in all its threads and in its main thread (its request thread). */
function cpuTime(pid: number): { process: number; main: number } {
  // utime and stime, the 14th and 15th fields of stat, in clock ticks (100 a second on Linux).
  const ticks = (path: string) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  return { process: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

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

/** A presigned URL (SigV4 query authentication, UNSIGNED-PAYLOAD as S3 presigners sign) for curl. */
async function presign(endpoint: string, credentials: TestCredentials, method: 'GET' | 'PUT', path: string): Promise<string> {
  const { hostname, port, host } = new URL(endpoint);
  const signed = await testSigner(credentials, 's3').presign(
    { method, protocol: 'http:', hostname, port: Number(port), path, query: {}, headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { expiresIn: 3600 },
  );
  return `${endpoint}${path}?${new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20')}`;
}

type Server = 'wharf' | 'moto' | 'ceiling';
type Transfer = (source: string, key: string, target: string, bytes: number) => Promise<unknown>;
interface Client {
  name: string;
  servers: Server[];
  connect(server: Server): Promise<{ put: Transfer; get: Transfer; close(): void }>;
}

export async function s3Benchmark(): Promise<ReadmeRow[]> {
  requireTools({ curl: 'apt-get install curl' });
  // The data dir and the files cp copies on the same disk.
  const dir = tempDir('wharf-bench-s3-');
  const [wharf, moto, ceiling] = await Promise.all([
    benchWharf({ dataDir: join(dir, 'data'), env: { WHARF_LOG_LEVEL: 'debug' } }, { drain: false }),
    startMoto(),
    startNullServer(),
  ]);
  const keys = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const servers: Record<Server, { endpoint: string; credentials: TestCredentials }> = {
    wharf: { endpoint: wharf.endpoint, credentials: wharf.credentials },
    moto: { endpoint: moto, credentials: keys },
    ceiling: { endpoint: ceiling, credentials: keys },
  };
  const sdk = (name: string, checksums: Partial<S3ClientConfig>, on: Server[]): Client => ({
    name,
    servers: on,
    async connect(server) {
      const s3 = new S3Client({ ...servers[server], region: 'us-east-1', forcePathStyle: true, ...checksums });
      await s3.send(new CreateBucketCommand({ Bucket: 'bench' })).catch((error: Error) => {
        if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
      });
      return {
        // The client reads the file in 1 MiB slices, as cp does in large ones (the 64 KiB default costs a read per slice).
        put: (source, key, _target, bytes) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: createReadStream(source, { highWaterMark: MIB }), ContentLength: bytes })),
        get: async (_source, key, target) => {
          const { Body } = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: key }));
          await pipeline(Body as Readable, createWriteStream(target));
        },
        close: () => s3.destroy(),
      };
    },
  });
  const curl: Client = {
    name: 'curl, presigned',
    servers: ['wharf', 'ceiling'],
    async connect(server) {
      const { endpoint, credentials } = servers[server];
      const url = (method: 'GET' | 'PUT', key: string) => presign(endpoint, credentials, method, `/bench/${key}`);
      return {
        put: async (source, key) => exec('curl', ['-sSf', '-T', source, await url('PUT', key)]),
        get: async (_source, key, target) => exec('curl', ['-sSf', '-o', target, await url('GET', key)]),
        close: () => undefined,
      };
    },
  };
  const clients = [
    curl,
    sdk('SDK defaults (CRC32)', {}, ['wharf', 'ceiling', 'moto']),
    sdk('SDK, checksums when required', { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }, ['wharf', 'ceiling']),
  ];
  const contenders: { id: number; client: string; server: Server; put: Transfer; get: Transfer; close(): void }[] = [];
  for (const client of clients) for (const server of client.servers) contenders.push({ id: contenders.length, client: client.name, server, ...(await client.connect(server)) });
  const label = (c: { client: string; server: Server }) => `${c.server} / ${c.client}`;
  const rows: Record<string, string | number>[] = [];
  const loads: number[] = [];
  for (const { name, bytes, rounds } of SIZES) {
    const source = join(dir, `source-${bytes}`);
    writeFileSync(source, randomBytes(bytes));
    const key = (c: { id: number }, round: number) => `${bytes}-${round}-${c.id}`;
    const target = (c: { id: number }, round: number) => join(dir, `got-${key(c, round)}`);
    const copy = (round: number) => exec('cp', [source, join(dir, `copy-${bytes}-${round}`)]);
    // Wharf's CPU (ms) spent on each of its contenders' transfers, by phase.
    const cpu: Record<string, { process: number; main: number }> = {};
    const metered = (c: { client: string; server: Server }, phase: string, transfer: () => Promise<unknown>) => async () => {
      if (c.server !== 'wharf') return transfer();
      const before = cpuTime(wharf.pid());
      await transfer();
      const after = cpuTime(wharf.pid());
      const spent = (cpu[`${phase} ${label(c)}`] ??= { process: 0, main: 0 });
      spent.process += after.process - before.process;
      spent.main += after.main - before.main;
    };
    loads.push(loadavg()[0]!);
    const puts = await interleaved(bytes, rounds, {
      cp: copy,
      ...Object.fromEntries(contenders.map((c) => [label(c), (round: number) => metered(c, 'PUT', () => c.put(source, key(c, round), target(c, round), bytes))()])),
    });
    const gets = await interleaved(bytes, rounds, {
      cp: copy,
      ...Object.fromEntries(
        contenders.map((c) => [
          label(c),
          (round: number) =>
            metered(c, 'GET', async () => {
              await c.get(source, key(c, round), target(c, round), bytes);
              if (statSync(target(c, round)).size !== bytes) throw new Error(`GetObject of ${name} from ${label(c)} returned a short body`);
            })(),
        ]),
      ),
    });
    const stored = wharf
      .logs()
      .split('\n')
      .filter((line) => line.includes('"body stored"'))
      .map((line) => JSON.parse(line) as { key: string; afterLastByteMs: number });
    const tail = (c: { id: number }) => median(stored.filter((entry) => new RegExp(`^${bytes}-\\d+-${c.id}$`).test(entry.key)).map((entry) => entry.afterLastByteMs));
    const perMiB = (phase: string, c: { server: Server; client: string }) => {
      const spent = cpu[`${phase} ${label(c)}`];
      return spent ? `${(spent.process / ((bytes * rounds) / MIB)).toFixed(1)}/${(spent.main / ((bytes * rounds) / MIB)).toFixed(1)}` : '-';
    };
    loads.push(loadavg()[0]!);
    // cp's figure: its runs beside the PUTs and the GETs together.
    const cp = 2 / (1 / puts.cp! + 1 / gets.cp!);
    const ratio = (a: number, b: number | undefined) => (b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
    for (const client of clients) {
      const of = (server: Server, figures: Record<string, number>) => figures[`${server} / ${client.name}`];
      const mine = contenders.find((c) => c.server === 'wharf' && c.client === client.name)!;
      const [put, get] = [of('wharf', puts)!, of('wharf', gets)!];
      rows.push({
        client: client.name, object: name, 'cp MiB/s': Math.round(cp),
        'PUT MiB/s': Math.round(put), 'PUT/cp': ratio(put, cp), 'ceiling PUT': Math.round(of('ceiling', puts)!), 'PUT/ceiling': ratio(put, of('ceiling', puts)), 'PUT/moto': ratio(put, of('moto', puts)),
        'GET MiB/s': Math.round(get), 'GET/cp': ratio(get, cp), 'ceiling GET': Math.round(of('ceiling', gets)!), 'GET/ceiling': ratio(get, of('ceiling', gets)), 'GET/moto': ratio(get, of('moto', gets)),
        'PUT last byte->commit ms': tail(mine) ?? '-', 'PUT CPU ms/MiB all/req': perMiB('PUT', mine), 'GET CPU ms/MiB all/req': perMiB('GET', mine),
      });
    }
    rmSync(source);
  }
  for (const c of contenders) c.close();
  console.log(
    `\nS3 PutObject/GetObject: Wharf (every body fsynced before the answer) against cp of the same file on the same disk (goal >= 0.5x for 64 MiB), through curl with presigned URLs (a lean client) and @aws-sdk/client-s3; moto's S3 (in memory) and each client's ceiling (a server that drops what it is sent); load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  );
  table(rows);
  return rows.map((r) => ({
    benchmark: `S3 PutObject / GetObject of ${r.object}, ${r.client} (every body fsynced)`,
    wharf: `${r['PUT MiB/s']} / ${r['GET MiB/s']} MiB/s (the client's ceiling: ${r['ceiling PUT']} / ${r['ceiling GET']})`,
    peer: `\`cp\` of the same file: ${r['cp MiB/s']} MiB/s${r['PUT/moto'] === '-' ? '' : `; Wharf / moto ${r['PUT/moto']} / ${r['GET/moto']}`}`,
    ratio: `${r['PUT/cp']} / ${r['GET/cp']}`,
    goal: r.object === '64 MiB' ? '>= 0.5x' : '',
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(s3Benchmark);
