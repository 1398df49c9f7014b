// Cloud Map's DNS (issue 15): answers per second from Wharf's DNS server against dnsmasq (the peer) serving
// the same records (8 A records of one name, from a hosts file) in the same run, rounds interleaved, as a
// ratio; then how long a killed task's record takes to leave Wharf's answers (p50, p95), the container
// killed and the answers polled every 5 ms.
import { CreatePrivateDnsNamespaceCommand, CreateServiceCommand, GetOperationCommand, RegisterInstanceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateServiceCommand as CreateEcsServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { LABELS } from '../src/agent/container-config.js';
import { eventually, freePort } from '../test/wharf-process.js';
import { benchWharf, exec, load, percentile, startProcess, table, tempDir } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

export const DNS_TOOLS = { dnsmasq: 'apt-get install dnsmasq-base' };

const NAME = 'api.bench.local';
const ADDRESSES = Array.from({ length: 8 }, (_, i) => `10.0.0.${i + 1}`);
const ROUNDS = 2;
const SECONDS = 5;
const CONCURRENCY = 16;
const KILLS = 10;

/**
 * A client asking one server: one socket, questions matched to answers by id. The load reads only a reply's
 * header (its answer count) and sends one question encoded once, its id patched, so that the client's own
 * work stays below the servers' and the figures are theirs.
 */
function client(port: number) {
  const socket = createSocket('udp4');
  const waiting = new Map<number, { done: (reply: Buffer) => void; fail: (e: Error) => void }>();
  let next = 0;
  socket.on('message', (m) => {
    const id = m.readUInt16BE(0);
    waiting.get(id)?.done(m);
    waiting.delete(id);
  });
  const send = (query: Buffer): Promise<Buffer> => {
    const id = (next = (next + 1) & 0xffff);
    query.writeUInt16BE(id, 0);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => (waiting.delete(id), fail(new Error('timeout'))), 2000);
      waiting.set(id, { done: (r) => (clearTimeout(timer), done(r)), fail });
      socket.send(query, port, '127.0.0.1');
    });
  };
  const encoded = (name: string, type: packet.RecordType) => packet.encode({ type: 'query', id: 0, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] });
  return {
    async ask(name: string, type: packet.RecordType = 'A'): Promise<unknown[]> {
      const reply = packet.decode(await send(encoded(name, type))) as unknown as { answers: { data: unknown }[] };
      return reply.answers.map((a) => a.data);
    },
    /** How many answers the server gives `NAME`'s A records. */
    async count(): Promise<number> {
      return (await send(Buffer.from(question))).readUInt16BE(6);
    },
    close: () => socket.close(),
  };
}
const question = packet.encode({ type: 'query', id: 0, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name: NAME }] });

/** Answers per second from the server on `port`, with `CONCURRENCY` questions in flight; each answer must hold all 8 records. */
async function throughput(port: number) {
  const dns = client(port);
  try {
    return await load(async () => {
      if ((await dns.count()) !== ADDRESSES.length) throw new Error('short answer');
    }, { concurrency: CONCURRENCY, seconds: SECONDS });
  } finally {
    dns.close();
  }
}

export async function dnsBenchmark(): Promise<ReadmeRow[]> {
  const wharfPort = await freePort();
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info', WHARF_DNS_LISTEN: `127.0.0.1:${wharfPort}` } });
  const options = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const sd = new ServiceDiscoveryClient(options);
  const vpc = (await new EC2Client(options).send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!.VpcId!;
  const { OperationId } = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'bench.local', Vpc: vpc }));
  const NamespaceId = (await sd.send(new GetOperationCommand({ OperationId }))).Operation!.Targets!.NAMESPACE!;
  const api = (await sd.send(new CreateServiceCommand({ Name: 'api', NamespaceId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] } }))).Service!;
  for (const [i, address] of ADDRESSES.entries()) {
    await sd.send(new RegisterInstanceCommand({ ServiceId: api.Id, InstanceId: `i${i}`, Attributes: { AWS_INSTANCE_IPV4: address } }));
  }

  // The peer: dnsmasq answering the same 8 records from a hosts file, nothing forwarded, nothing else read.
  const dir = tempDir('wharf-bench-dns-');
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, ADDRESSES.map((a) => `${a} ${NAME}\n`).join(''));
  const peerPort = await freePort();
  startProcess('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, '--listen-address=127.0.0.1', '--bind-interfaces', `--port=${peerPort}`, '--local-ttl=10', '--user=root']);
  const peer = client(peerPort);
  await eventually(() => peer.ask(NAME).then((a) => (a.length === ADDRESSES.length ? true : undefined), () => undefined), 'dnsmasq answering', 10_000);
  peer.close();

  const rows: { round: number; server: string; answersPerSecond: number; errors: number; p50ms: number; p99ms: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [server, port] of [['wharf', wharfPort], ['dnsmasq', peerPort]] as const) {
      const r = await throughput(port);
      rows.push({ round, server, answersPerSecond: Math.round(r.perSecond), errors: r.errors, p50ms: r.p50, p99ms: r.p99 });
    }
  }
  table(rows);
  const total = (server: string) => rows.filter((r) => r.server === server).reduce((sum, r) => sum + r.answersPerSecond, 0);
  console.log(`wharf/dnsmasq answers per second: ${(total('wharf') / total('dnsmasq')).toFixed(2)} (load average ${loadavg()[0]!.toFixed(1)})`);

  // Propagation: a bridge service registered by SRV; its task killed, the time until its record is gone.
  const ecs = wharf.ecs();
  const web = (await sd.send(new CreateServiceCommand({ Name: 'web', NamespaceId, DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 10 }] } }))).Service!;
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'bench-dns',
    containerDefinitions: [{ name: 'web', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3000 & wait'], portMappings: [{ containerPort: 80, hostPort: 0 }], stopTimeout: 2 }],
  }));
  await ecs.send(new CreateEcsServiceCommand({ serviceName: 'bench-dns', taskDefinition: 'bench-dns', desiredCount: 1, serviceRegistries: [{ registryArn: web.Arn, containerName: 'web', containerPort: 80 }] }));
  const dns = client(wharfPort);
  const targets = async () => ((await dns.ask('web.bench.local', 'SRV')) as { target: string }[]).map((d) => d.target.split('.')[0]!);
  const times: number[] = [];
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      const taskId = await eventually(async () => {
        const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'bench-dns', desiredStatus: 'RUNNING' }));
        const { tasks = [] } = taskArns.length ? await ecs.send(new DescribeTasksCommand({ tasks: taskArns })) : {};
        const running = tasks.find((t) => t.lastStatus === 'RUNNING');
        const id = running?.taskArn?.split('/').at(-1);
        return id && (await targets()).includes(id) ? running!.taskArn! : undefined;
      }, 'a registered task', 120_000);
      const container = (await exec('docker', ['ps', '-q', '--filter', `label=${LABELS.taskArn}=${taskId}`])).trim();
      const id = taskId.split('/').at(-1)!;
      const started = performance.now();
      await exec('docker', ['kill', container]);
      while ((await targets()).includes(id)) await new Promise((r) => setTimeout(r, 5));
      times.push(performance.now() - started);
    }
  } finally {
    dns.close();
  }
  times.sort((a, b) => a - b);
  table([{ kills: KILLS, p50ms: percentile(times, 50), p95ms: percentile(times, 95), maxms: times.at(-1)! }]);
  console.log(`record gone after a task is killed: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms (load average ${loadavg()[0]!.toFixed(1)})`);
  const median = (server: string) => percentile(rows.filter((r) => r.server === server).map((r) => r.answersPerSecond).sort((a, b) => a - b), 50);
  return [
    {
      benchmark: `Cloud Map DNS answers per second (${ADDRESSES.length} A records of one name), median of ${ROUNDS} interleaved rounds`,
      wharf: `${fmt.n(median('wharf'))}/s`,
      peer: `dnsmasq (hosts file): ${fmt.n(median('dnsmasq'))}/s`,
      ratio: fmt.x(total('wharf') / total('dnsmasq')),
      goal: '',
    },
    { benchmark: 'Cloud Map DNS: `docker kill` of a task -> its SRV record gone, p50 / p95', wharf: `${fmt.n(percentile(times, 50))} / ${fmt.n(percentile(times, 95))} ms`, peer: '', ratio: '', goal: '' },
  ];
}
