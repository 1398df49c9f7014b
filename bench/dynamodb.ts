// DynamoDB item throughput: PutItem, GetItem and Query at concurrency 16 with @aws-sdk/client-dynamodb,
// against Wharf (items in SQLite, each write fsynced before it answers) and, in the same run, two
// DynamoDB Local-class peers: dynalite (npm, LevelDB in memory here, installed into a temp dir) and moto's
// server (in memory). The peers keep nothing on disk, so their writes cost less than Wharf's durable ones.
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchWharf, benchmark, exec, load, startMoto, startProcess, table, tempDir, type LoadResult } from './lib.js';
import { freePort } from '../test/wharf-process.js';
import { fmt, type ReadmeRow } from './readme-table.js';

const PEER_KEYS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const PARTITIONS = 100;
const PER_PARTITION = 20;

async function waitFor(what: string, probe: () => Promise<boolean>, alive: () => boolean): Promise<void> {
  for (let i = 0; ; i++) {
    if (await probe().catch(() => false)) return;
    if (!alive() || i === 300) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startDynalite(): Promise<string> {
  const dir = tempDir('wharf-bench-dynalite-');
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, 'dynalite@4']);
  const port = await freePort();
  const child = startProcess('node', [join(dir, 'node_modules', 'dynalite', 'cli.js'), '--port', String(port), '--createTableMs', '0']);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('dynalite', () => fetch(endpoint, { method: 'POST' }).then(() => true), () => child.exitCode === null);
  return endpoint;
}

const body = 'x'.repeat(200);

type Calls = Record<'PutItem' | 'GetItem' | 'Query', () => Promise<unknown>>;

/** Makes the table and its items on one server; answers the calls measured against it. */
async function prepare(db: DynamoDBClient): Promise<Calls> {
  await db.send(
    new CreateTableCommand({
      TableName: 'bench',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  while ((await db.send(new DescribeTableCommand({ TableName: 'bench' }))).Table?.TableStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 50));
  const put = (pk: string, sk: number) => db.send(new PutItemCommand({ TableName: 'bench', Item: { pk: { S: pk }, sk: { N: String(sk) }, body: { S: body } } }));
  // Every partition gets PER_PARTITION items before reads are measured.
  for (let p = 0; p < PARTITIONS; p += 10) await Promise.all(Array.from({ length: 10 * PER_PARTITION }, (_, i) => put(`p${p + Math.floor(i / PER_PARTITION)}`, i % PER_PARTITION)));
  let next = 0;
  const random = (n: number) => Math.floor(Math.random() * n);
  return {
    PutItem: () => put(`new${next++}`, 0),
    GetItem: () => db.send(new GetItemCommand({ TableName: 'bench', Key: { pk: { S: `p${random(PARTITIONS)}` }, sk: { N: String(random(PER_PARTITION)) } } })),
    Query: () => db.send(new QueryCommand({ TableName: 'bench', KeyConditionExpression: 'pk = :p AND sk >= :s', ExpressionAttributeValues: { ':p': { S: `p${random(PARTITIONS)}` }, ':s': { N: '5' } }, Limit: 10 })),
  };
}

// The servers take turns, ROUNDS short runs each per operation, so that a change in the machine's load
// (other work on it) falls on all of them alike rather than on whichever ran at the time.
const ROUNDS = 4;
const ROUND_SECONDS = 2;

/** Rounds of one server and operation, as one result: all requests over all their time, the median round's p99. */
function combined(rounds: LoadResult[]): LoadResult {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const byP99 = [...rounds].sort((a, b) => a.p99 - b.p99);
  const median = byP99[Math.floor(byP99.length / 2)]!;
  return { requests, errors: rounds.reduce((sum, r) => sum + r.errors, 0), seconds, perSecond: requests / seconds, p50: median.p50, p99: median.p99 };
}

export async function dynamodbBenchmark(): Promise<ReadmeRow[]> {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } }); // production's level
  const [dynalite, moto] = await Promise.all([startDynalite(), startMoto()]);
  const servers = {
    wharf: { endpoint: wharf.endpoint, credentials: wharf.credentials },
    dynalite: { endpoint: dynalite, credentials: PEER_KEYS },
    moto: { endpoint: moto, credentials: PEER_KEYS },
  };
  const clients = Object.entries(servers).map(([name, { endpoint, credentials }]) => ({ name, db: new DynamoDBClient({ endpoint, credentials, region: 'us-east-1', maxAttempts: 1 }) }));
  const calls: Record<string, Calls> = {};
  for (const { name, db } of clients) calls[name] = await prepare(db);
  const results: Record<string, Record<string, LoadResult>> = {};
  for (const op of ['PutItem', 'GetItem', 'Query'] as const) {
    const rounds: Record<string, LoadResult[]> = {};
    for (const { name } of clients) await load(calls[name]![op], { concurrency: 16, seconds: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with another server.
      for (let i = 0; i < clients.length; i++) {
        const { name } = clients[(round + i) % clients.length]!;
        (rounds[name] ??= []).push(await load(calls[name]![op], { concurrency: 16, seconds: ROUND_SECONDS }));
      }
    }
    for (const { name } of clients) {
      (results[name] ??= {})[op] = combined(rounds[name]!);
      if (results[name]![op]!.errors) console.log(`[bench] ${name} ${op}: ${results[name]![op]!.errors} errors`);
    }
  }
  for (const { db } of clients) db.destroy();
  console.log(`\nDynamoDB items at concurrency 16 (@aws-sdk/client-dynamodb), ops/s and latency (ms); servers interleaved, ${ROUNDS} rounds of ${ROUND_SECONDS} s each; load average ${loadavg()[0]!.toFixed(1)}:`);
  table(
    Object.keys(results.wharf!).map((op) => ({
      operation: op,
      'wharf ops/s': results.wharf![op]!.perSecond,
      'wharf p99': results.wharf![op]!.p99,
      'dynalite ops/s': results.dynalite![op]!.perSecond,
      'dynalite p99': results.dynalite![op]!.p99,
      'moto ops/s': results.moto![op]!.perSecond,
      'x dynalite': results.wharf![op]!.perSecond / results.dynalite![op]!.perSecond,
      'x moto': results.wharf![op]!.perSecond / results.moto![op]!.perSecond,
    })),
  );
  return Object.entries(results.wharf!).map(([op, wharf]) => ({
    benchmark: `DynamoDB ${op} at concurrency 16 (\`@aws-sdk/client-dynamodb\`; Wharf fsyncs each write, the peers keep items in memory)`,
    wharf: `${fmt.n(wharf.perSecond)} ops/s, p99 ${fmt.ms(wharf.p99)}`,
    peer: `dynalite: ${fmt.n(results.dynalite![op]!.perSecond)} ops/s; moto: ${fmt.n(results.moto![op]!.perSecond)} ops/s`,
    ratio: `${fmt.x(wharf.perSecond / results.dynalite![op]!.perSecond, 1)} / ${fmt.x(wharf.perSecond / results.moto![op]!.perSecond, 1)}`,
    goal: '',
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(dynamodbBenchmark);
