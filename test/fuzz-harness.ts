// The fuzzer's loop and oracles, against a running Wharf: sends the generated cases (fuzz-inputs.ts) in
// batches, signed, unsigned or with a forged signature, and after each batch checks that the server is alive,
// that every answer is below 500 and every refusal carries AWS's error shape for its protocol, that HAProxy
// accepts its configuration (`haproxy -c`), and, when every call of the batch was refused or only read,
// that the store holds exactly what it held before. Each fault comes with what reproduces it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { seeded } from '../src/scheduler/fixtures.test-support.js';
import { testSigner, type TestCredentials } from '../src/protocol/test-signer.js';
import { casesFor, type FuzzCase, type FuzzService, type Random } from './fuzz-inputs.js';

export interface FuzzTarget {
  endpoint: string;
  dataDir: string;
  credentials: TestCredentials;
  region: string;
}

export interface FuzzOptions {
  seed: number;
  services: FuzzService[];
  /** Malformed variants sent per operation and round. */
  malformedPerOperation: number;
  /** Rounds over every operation (each round draws new inputs); the run also ends at `deadline` (ms since the epoch). */
  rounds: number;
  deadline?: number;
  batchSize?: number;
  concurrency?: number;
  /** Called after each batch's checks. */
  progress?(report: FuzzReport): void;
}

export type FaultKind = 'server error' | 'error shape' | 'not alive' | 'haproxy configuration' | 'state changed by a refused call';

export interface Fault {
  kind: FaultKind;
  detail: string;
  /** The calls that may have caused it, each with what reproduces it. */
  calls: string[];
}

export interface FuzzReport {
  calls: number;
  seconds: number;
  faults: Fault[];
  /** Answers by HTTP status, to see how deep the inputs got (2xx: past validation and authorisation). */
  statuses: Record<number, number>;
}

type Auth = 'signed' | 'unsigned' | 'forged';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Sent {
  fuzzCase: FuzzCase;
  auth: Auth;
  answer: Answer;
  signing: string;
}

const READ_ONLY = /^(Describe|List|Get|Simulate|Lookup)/;
// Records that the running system changes by itself (agents' heartbeats, task progress): not the fuzzer's to compare.
const VOLATILE_KINDS = /^(task|containerInstance)(@|$)/;
const ANSWER_LIMIT = 1 << 20;
const run = promisify(execFile);

export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const random = seeded(options.seed);
  const batchSize = options.batchSize ?? 40;
  const concurrency = options.concurrency ?? 8;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const db = new Database(join(target.dataDir, 'wharf.db'), { readonly: true, fileMustExist: true });
  const started = performance.now();
  const report: FuzzReport = { calls: 0, seconds: 0, faults: [], statuses: {} };
  const services = new Map(options.services.map((service) => [service.name, service]));
  const fault = (kind: FaultKind, detail: string, calls: string[]) => report.faults.push({ kind, detail, calls });

  try {
    for (let round = 0; round < options.rounds; round++) {
      const cases = options.services.flatMap((service) => service.operations.flatMap((operation) => casesFor(service, operation, random, options.malformedPerOperation)));
      shuffle(cases, random);
      for (let i = 0; i < cases.length; i += batchSize) {
        if (options.deadline !== undefined && Date.now() > options.deadline) return report;
        const batch = cases.slice(i, i + batchSize).map((fuzzCase) => ({ fuzzCase, auth: authOf(random) }));
        const before = storeSnapshot(db);
        const sent: Sent[] = [];
        await pool(batch, concurrency, async ({ fuzzCase, auth }) => {
          const service = services.get(fuzzCase.service)!;
          const answer = await send(target, agent, service, fuzzCase, auth);
          sent.push({ fuzzCase, auth, answer, signing: signingName(service) });
        });
        report.calls += sent.length;
        for (const call of sent) {
          report.statuses[call.answer.status] = (report.statuses[call.answer.status] ?? 0) + 1;
          const problem = answerProblem(services.get(call.fuzzCase.service)!, call.answer);
          if (problem) fault(call.answer.status >= 500 ? 'server error' : 'error shape', problem, [repro(target, call)]);
        }
        if (!(await alive(target, agent))) {
          fault('not alive', 'the health check or a signed ListClusters failed after this batch', sent.map((call) => repro(target, call)));
          return report;
        }
        const haproxy = await haproxyProblem(target.dataDir);
        if (haproxy) fault('haproxy configuration', haproxy, sent.filter((c) => c.answer.status < 300).map((call) => repro(target, call)));
        const refusedOrRead = sent.every((call) => call.answer.status >= 400 || READ_ONLY.test(call.fuzzCase.operation));
        if (refusedOrRead) {
          const changed = difference(before, storeSnapshot(db));
          if (changed.length > 0)
            fault('state changed by a refused call', `records changed: ${changed.slice(0, 10).join(', ')}`, sent.filter((c) => !READ_ONLY.test(c.fuzzCase.operation)).map((call) => repro(target, call)));
        }
        report.seconds = (performance.now() - started) / 1000;
        options.progress?.(report);
      }
    }
    return report;
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    agent.destroy();
    db.close();
  }
}

function authOf(random: Random): Auth {
  const r = random();
  return r < 0.8 ? 'signed' : r < 0.9 ? 'unsigned' : 'forged';
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const signingName = (service: FuzzService) => service.model.metadata.signingName ?? service.model.metadata.endpointPrefix;

async function send(target: FuzzTarget, agent: Agent, service: FuzzService, fuzzCase: FuzzCase, auth: Auth): Promise<Answer> {
  const url = new URL(target.endpoint);
  let headers: Record<string, string> = { ...fuzzCase.headers, host: url.host };
  if (auth !== 'unsigned') {
    const signed = await testSigner(target.credentials, signingName(service), target.region).sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers,
      body: fuzzCase.body,
    });
    headers = signed.headers;
    // Forged: the same signature over a body that is not the one signed.
    if (auth === 'forged') headers.authorization = headers.authorization!.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`);
  }
  return new Promise((resolve) => {
    const req = request({ agent, host: url.hostname, port: url.port, method: 'POST', path: '/', headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if ((size += chunk.length) <= ANSWER_LIMIT) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', (err) => resolve({ status: 599, headers: {}, body: `response failed: ${err.message}` }));
    });
    // A connection the server closes before answering is a fault like a 5xx: the caller gets no AWS error.
    req.on('error', (err) => resolve({ status: 599, headers: {}, body: `no answer: ${err.message}` }));
    req.end(fuzzCase.body);
  });
}

/** What is wrong with an answer: a 5xx, or a refusal without AWS's error shape for the protocol; undefined if nothing. */
export function answerProblem(service: FuzzService, answer: Answer): string | undefined {
  const excerpt = answer.body.slice(0, 300);
  if (answer.status >= 500 || answer.status < 200) return `HTTP ${answer.status}: ${excerpt}`;
  if (answer.status < 400) return undefined;
  if (service.model.metadata.protocol === 'json') {
    let body: { __type?: unknown; message?: unknown; Message?: unknown };
    try {
      body = JSON.parse(answer.body) as typeof body;
    } catch {
      return `HTTP ${answer.status} with a body that is not JSON: ${excerpt}`;
    }
    if (typeof body.__type !== 'string') return `HTTP ${answer.status} without __type: ${excerpt}`;
    if (!answer.headers['x-amzn-requestid']) return `HTTP ${answer.status} without x-amzn-RequestId`;
    return undefined;
  }
  // awsQuery: <ErrorResponse><Error><Code>; ec2: <Response><Errors><Error><Code>.
  const query = /<ErrorResponse[\s>][\s\S]*<Error>[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<RequestId>[^<]+<\/RequestId>/.test(answer.body);
  const ec2 = /<Response>[\s\S]*<Errors>[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<RequestID>[^<]+<\/RequestID>/.test(answer.body);
  return query || ec2 ? undefined : `HTTP ${answer.status} without AWS's XML error: ${excerpt}`;
}

async function alive(target: FuzzTarget, agent: Agent): Promise<boolean> {
  const health = await fetch(`${target.endpoint}/_wharf/health`).then((r) => r.ok, () => false);
  if (!health) return false;
  const ecs = { name: 'ecs', model: { metadata: { signingName: 'ecs', endpointPrefix: 'ecs' } } } as FuzzService;
  const listClusters: FuzzCase = {
    service: 'ecs',
    operation: 'ListClusters',
    mutation: 'well-formed',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
    body: '{}',
  };
  return (await send(target, agent, ecs, listClusters, 'signed')).status === 200;
}

async function haproxyProblem(dataDir: string): Promise<string | undefined> {
  const config = join(dataDir, 'haproxy', 'haproxy.cfg');
  if (!existsSync(config)) return undefined;
  try {
    await run('haproxy', ['-c', '-q', '-f', config]);
    return undefined;
  } catch (err) {
    return `haproxy -c -f ${config}: ${((err as { stderr?: string }).stderr ?? String(err)).slice(0, 500)}`;
  }
}

/** Every record but the volatile kinds, by kind and id. */
function storeSnapshot(db: Database.Database): Map<string, string> {
  const rows = db.prepare('SELECT kind, id, doc FROM records').all() as { kind: string; id: string; doc: string }[];
  return new Map(rows.filter((row) => !VOLATILE_KINDS.test(row.kind)).map((row) => [`${row.kind} ${row.id}`, row.doc]));
}

function difference(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key));
}

/** A curl command that sends the call again (its body cut when long), and what the fuzzer did to it. */
function repro(target: FuzzTarget, { fuzzCase, auth, answer, signing: service }: Sent): string {
  const body = fuzzCase.body.length > 400 ? `${JSON.stringify(fuzzCase.body.slice(0, 400))}... (${fuzzCase.body.length} bytes)` : JSON.stringify(fuzzCase.body);
  const headers = Object.entries(fuzzCase.headers).map(([k, v]) => `-H '${k}: ${v}'`).join(' ');
  const sign = auth === 'signed' ? ` --aws-sigv4 'aws:amz:${target.region}:${service}' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"` : ` (${auth})`;
  return `${fuzzCase.service}:${fuzzCase.operation} [${fuzzCase.mutation}] -> HTTP ${answer.status} ${answer.body.slice(0, 160)}\n    curl -X POST ${target.endpoint}/${sign} ${headers} --data-binary ${body}`;
}
