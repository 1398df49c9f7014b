// ECR's registry against Docker's own image transfer on the same disk: a 200 MB image (four 50 MB layers of
// random bytes on wharf-test/busybox) pushed to and pulled from Wharf's registry with the docker CLI, beside
// `docker save` and `docker load` of the same image (goal: pull at least 0.7x load's speed; pulls and loads
// interleaved, medians compared); then Wharf's
// RSS while four 1 GB blob uploads stream into the registry at once (goal: under 200 MB added).
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { freePort } from '../test/wharf-process.js';
import { benchWharf, benchmark, onCleanup, table, tempDir } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

const LAYER_MB = 50;
const LAYERS = 4;
const UPLOAD_BYTES = 1024 * 1024 * 1024;
const UPLOADS = 4;

/** Pull/load pairs timed; their medians are compared. */
const ROUNDS = 3;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** A process's user and system CPU time (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function timed(what: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await what();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function registryBenchmark(): Promise<ReadmeRow[]> {
  const registryPort = await freePort();
  const wharf = await benchWharf({ args: ['--registry-port', String(registryPort)], env: { WHARF_LOG_LEVEL: 'info' } });
  const registry = `127.0.0.1:${registryPort}`;
  const work = tempDir('wharf-bench-registry-');
  const dockerConfig = join(work, 'docker');
  mkdirSync(dockerConfig);
  const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
  const docker = async (args: string[], input?: string) => execFileSync('docker', args, { env, input, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', stdio: 'pipe' });

  execFileSync('aws', ['ecr', 'create-repository', '--repository-name', 'bench'], { env: wharf.env, stdio: 'ignore' });
  const password = execFileSync('aws', ['ecr', 'get-login-password'], { env: wharf.env, encoding: 'utf8' });
  await docker(['login', '--username', 'AWS', '--password-stdin', registry], password);

  const image = `${registry}/bench:200mb`;
  const context = join(work, 'context');
  mkdirSync(context);
  const runs = Array.from({ length: LAYERS }, (_, i) => `RUN head -c ${LAYER_MB * 1024 * 1024} /dev/urandom > /layer-${i}`).join('\n');
  writeFileSync(join(context, 'Dockerfile'), `FROM wharf-test/busybox\n${runs}\n`);
  await docker(['build', '-q', '-t', image, context]);
  onCleanup('bench images', () => docker(['rmi', '-f', image]).catch(() => undefined));

  const push = await timed(() => docker(['push', image]));
  const archive = join(work, 'image.tar');
  const save = await timed(() => docker(['save', '-o', archive, image]));
  await docker(['rmi', image]);
  // Pulls and loads interleaved, each after a sync (so neither pays for the other's writeback), medians compared:
  // one pair on a shared machine moves by a third from run to run. Wharf's CPU time during the pulls shows
  // how much of a pull is the registry's.
  const pulls: number[] = [];
  const loads: number[] = [];
  let wharfCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    execFileSync('sync');
    const cpuBefore = cpuSeconds(wharf.pid());
    pulls.push(await timed(() => docker(['pull', '-q', image])));
    wharfCpu += cpuSeconds(wharf.pid()) - cpuBefore;
    await docker(['rmi', image]);
    execFileSync('sync');
    loads.push(await timed(() => docker(['load', '-q', '-i', archive])));
    await docker(['rmi', image]);
  }
  rmSync(archive);
  const pull = median(pulls);
  const load = median(loads);

  console.log(`\nA ${LAYER_MB * LAYERS} MB image (${LAYERS} layers of random bytes); pull and load: the median of ${ROUNDS} interleaved runs (load average ${loadAverage()}):`);
  table([
    { transfer: 'docker push (to Wharf)', seconds: push.toFixed(2), 'MB/s': ((LAYER_MB * LAYERS) / push).toFixed(0), runs: '' },
    { transfer: 'docker save (to a file)', seconds: save.toFixed(2), 'MB/s': ((LAYER_MB * LAYERS) / save).toFixed(0), runs: '' },
    { transfer: 'docker pull (from Wharf)', seconds: pull.toFixed(2), 'MB/s': ((LAYER_MB * LAYERS) / pull).toFixed(0), runs: pulls.map((s) => s.toFixed(1)).join(' ') },
    { transfer: 'docker load (from the file)', seconds: load.toFixed(2), 'MB/s': ((LAYER_MB * LAYERS) / load).toFixed(0), runs: loads.map((s) => s.toFixed(1)).join(' ') },
  ]);
  console.log(`pull speed / load speed: ${(load / pull).toFixed(2)}x (goal >= 0.7x); push speed / save speed: ${(save / push).toFixed(2)}x`);
  console.log(`Wharf's CPU time during the pulls: ${wharfCpu.toFixed(1)} s of ${pulls.reduce((a, b) => a + b, 0).toFixed(1)} s`);

  // Four 1 GB blobs streamed at once (chunked uploads), Wharf's RSS sampled throughout.
  const token = password.trim();
  const authorization = `Basic ${Buffer.from(`AWS:${token}`).toString('base64')}`;
  const base = rssMb(wharf.pid());
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(wharf.pid()))), 100);
  const upload = async (n: number) => {
    const chunk = randomBytes(1024 * 1024);
    chunk.writeUInt32BE(n, 0);
    const hash = createHash('sha256');
    const body = Readable.from(
      (function* () {
        for (let sent = 0; sent < UPLOAD_BYTES; sent += chunk.length) {
          hash.update(chunk);
          yield chunk;
        }
      })(),
    );
    const started = await fetch(`http://${registry}/v2/bench/blobs/uploads/`, { method: 'POST', headers: { authorization } });
    const location = new URL(started.headers.get('location')!, `http://${registry}`).toString();
    const patched = await new Promise<number>((resolve, reject) => {
      const req = request(location, { method: 'PATCH', headers: { authorization, 'content-type': 'application/octet-stream' } }, (res) => resolve(res.resume().statusCode ?? 0));
      req.on('error', reject);
      pipeline(body, req).catch(reject);
    });
    if (patched !== 202) throw new Error(`PATCH answered ${patched}`);
    const done = await fetch(`${location}?digest=sha256:${hash.digest('hex')}`, { method: 'PUT', headers: { authorization } });
    if (done.status !== 201) throw new Error(`PUT answered ${done.status}: ${await done.text()}`);
  };
  const seconds = await timed(() => Promise.all(Array.from({ length: UPLOADS }, (_, n) => upload(n))));
  clearInterval(sampler);
  const added = peak - base;
  console.log(
    `\n${UPLOADS} concurrent 1 GB uploads: ${seconds.toFixed(1)} s (${((UPLOADS * 1024) / seconds).toFixed(0)} MB/s); RSS ${base.toFixed(0)} MB before, ${peak.toFixed(0)} MB at peak: ${added.toFixed(0)} MB added (goal < 200 MB, ${((added / 200) * 100).toFixed(0)}% of budget); load average ${loadAverage()}`,
  );
  const size = `a ${LAYER_MB * LAYERS} MB image (${LAYERS} layers)`;
  return [
    { benchmark: `ECR: \`docker pull\` of ${size} from Wharf's registry, median of ${ROUNDS}`, wharf: `${fmt.s(pull)} (${fmt.n((LAYER_MB * LAYERS) / pull)} MB/s)`, peer: `\`docker load\` from a file: ${fmt.s(load)}`, ratio: fmt.x(load / pull), goal: '>= 0.7x' },
    { benchmark: `ECR: \`docker push\` of ${size} to Wharf's registry`, wharf: `${fmt.s(push)} (${fmt.n((LAYER_MB * LAYERS) / push)} MB/s)`, peer: `\`docker save\` to a file: ${fmt.s(save)}`, ratio: fmt.x(save / push), goal: '' },
    { benchmark: `ECR: ${UPLOADS} concurrent 1 GB blob uploads, Wharf's RSS added`, wharf: `${added.toFixed(0)} MB (${fmt.n((UPLOADS * 1024) / seconds)} MB/s)`, peer: '', ratio: '', goal: '< 200 MB' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(registryBenchmark);
