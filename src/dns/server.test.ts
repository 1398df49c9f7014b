// The DNS server over real UDP sockets: Cloud Map names answered from the directory (replies cached until
// its revision changes), other names relayed from an upstream resolver.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import * as packet from 'dns-packet';
import type { Directory } from '../core/servicediscovery-dns.js';
import type { SdInstanceRecord, SdNamespaceRecord, SdServiceRecord } from '../core/servicediscovery.js';
import { startDnsServer, type DnsServer } from './server.js';

let server: DnsServer;
const upstream = createSocket('udp4');
const ns: SdNamespaceRecord = { Id: 'ns-1', Arn: 'a', Name: 'corp.local', Type: 'DNS_PRIVATE', CreateDate: new Date(0), tags: [] };
const api: SdServiceRecord = { Id: 'srv-1', Arn: 'a', Name: 'api', NamespaceId: 'ns-1', CreateDate: new Date(0), tags: [], DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 10 }] } };
let instances: SdInstanceRecord[] = [];
let revision = 0;
/** The directory's instances replaced, as a registration changes them: a new revision. */
const registered = (now: SdInstanceRecord[]) => ((instances = now), revision++);
const directory: Directory = {
  namespace: (name) => (name === ns.Name ? ns : undefined),
  service: (_id, name) => (name === 'api' ? api : undefined),
  instances: () => instances,
  revision: () => revision,
};
const task = (Id: string, AWS_INSTANCE_IPV4: string): SdInstanceRecord => ({ Id, ServiceId: 'srv-1', Attributes: { AWS_INSTANCE_IPV4, AWS_INSTANCE_PORT: '8080' }, health: 'HEALTHY', CreatedDate: new Date(0), UpdatedDate: new Date(0) });

/** A decoded reply, its records' data loosely typed (dns-packet's types omit rcode and union the data). */
type Reply = { id: number; flags: number; rcode?: string; questions?: { name: string }[]; answers?: { data: unknown }[]; additionals?: { data: unknown }[] };

async function ask(name: string, type: packet.RecordType = 'A', query: Partial<packet.Packet> = {}): Promise<Reply> {
  const socket = createSocket('udp4');
  try {
    return await new Promise((done) => {
      socket.on('message', (reply) => done(packet.decode(reply) as unknown as Reply));
      socket.send(packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name }], ...query }), server.port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

/** The same over TCP: the query and the reply each after its two-byte length. */
async function askOverTcp(name: string, type: packet.RecordType = 'A'): Promise<Reply> {
  const socket = connect(server.port, '127.0.0.1');
  try {
    return await new Promise((done, fail) => {
      let received = Buffer.alloc(0);
      socket.on('error', fail);
      socket.on('data', (data) => {
        received = Buffer.concat([received, data]);
        if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) done(packet.streamDecode(received) as unknown as Reply);
      });
      socket.write(packet.streamEncode({ type: 'query', id: 9, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] }));
    });
  } finally {
    socket.destroy();
  }
}

before(async () => {
  // A fake upstream: answers every question with 192.0.2.1.
  upstream.on('message', (message, remote) => {
    const query = packet.decode(message);
    const reply = packet.encode({ type: 'response', id: query.id, questions: query.questions, answers: [{ type: 'A', name: query.questions![0]!.name, ttl: 60, data: '192.0.2.1' }] });
    upstream.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((done) => upstream.bind(0, '127.0.0.1', done));
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  server = await startDnsServer({ address: '127.0.0.1', port: 0, directory, upstream: [{ address: '127.0.0.1', port: upstream.address().port }], log: quiet });
});

after(async () => {
  await server.close();
  upstream.close();
});

test('an instance is answered while the directory holds it', async () => {
  assert.equal((await ask('api.corp.local')).answers?.length, 0);
  registered([task('task-1', '10.0.0.7')]);
  const reply = await ask('api.corp.local');
  assert.equal(reply.rcode, 'NOERROR');
  assert.deepEqual(reply.answers?.map((a) => a.data), ['10.0.0.7']);
  const srv = await ask('api.corp.local', 'SRV');
  assert.deepEqual(srv.answers?.map((a) => a.data), [{ priority: 1, weight: 1, port: 8080, target: 'task-1.api.corp.local' }]);
  assert.deepEqual(srv.additionals?.map((a) => a.data), ['10.0.0.7']);
  registered([]);
  assert.deepEqual((await ask('api.corp.local')).answers, []);
});

test("a cached reply keeps each query's id and name's case, and a changed record is answered at once", async () => {
  registered([task('task-1', '10.0.0.7')]);
  const first = await ask('API.Corp.Local', 'A', { id: 0xbeef });
  assert.equal(first.id, 0xbeef);
  assert.equal(first.questions?.[0]?.name, 'API.Corp.Local');
  assert.ok(first.flags & packet.AUTHORITATIVE_ANSWER && first.flags & packet.RECURSION_DESIRED);
  const second = await ask('api.corp.LOCAL', 'A', { id: 42, flags: 0 });
  assert.deepEqual([second.id, second.questions?.[0]?.name, second.flags & packet.RECURSION_DESIRED], [42, 'api.corp.LOCAL', 0]);
  assert.deepEqual(second.answers?.map((a) => a.data), ['10.0.0.7']);
  registered([task('task-1', '10.0.0.8')]);
  assert.deepEqual((await ask('api.corp.local')).answers?.map((a) => a.data), ['10.0.0.8']);
  // A query with an EDNS record is answered the same.
  const edns = await ask('api.corp.local', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as packet.Answer] });
  assert.deepEqual(edns.answers?.map((a) => a.data), ['10.0.0.8']);
  registered([]);
});

test('MULTIVALUE answers every instance, in an order that changes from query to query', async () => {
  const addresses = Array.from({ length: 8 }, (_, i) => `10.0.1.${i + 1}`);
  registered(addresses.map((a, i) => task(`t${i}`, a)));
  const orders = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const answered = (await ask('api.corp.local')).answers!.map((a) => a.data as string);
    assert.deepEqual([...answered].sort(), addresses);
    orders.add(answered.join());
  }
  assert.ok(orders.size > 1);
  registered([]);
});

test('unknown names in a namespace are NXDOMAIN; other names come from the upstream', async () => {
  assert.equal((await ask('nope.corp.local')).rcode, 'NXDOMAIN');
  assert.deepEqual((await ask('example.com')).answers?.map((a) => a.data), ['192.0.2.1']);
});

test('a UDP reply fits 512 bytes (or the EDNS size offered): additional records go first, then TC sends the resolver to TCP', async () => {
  // ECS task ids are 32 characters: 8 SRV answers with their targets' addresses take about 1,200 bytes.
  registered(Array.from({ length: 8 }, (_, i) => task(`0123456789abcdef0123456789abcde${i}`, `10.0.2.${i + 1}`)));
  const plain = await ask('api.corp.local', 'SRV');
  assert.ok(plain.flags & packet.TRUNCATED_RESPONSE);
  assert.deepEqual([plain.answers?.length, plain.additionals?.length], [0, 0]);
  const overTcp = await askOverTcp('api.corp.local', 'SRV');
  assert.ok(!(overTcp.flags & packet.TRUNCATED_RESPONSE));
  assert.deepEqual([overTcp.answers?.length, overTcp.additionals?.length], [8, 8]);
  // With EDNS's 1232 bytes it fits, and the reply carries Wharf's own EDNS record.
  const edns = await ask('api.corp.local', 'SRV', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as packet.Answer] });
  assert.ok(!(edns.flags & packet.TRUNCATED_RESPONSE));
  assert.equal(edns.answers?.length, 8);
  assert.deepEqual(edns.additionals?.map((a) => (a as { type?: string }).type), [...Array(8).fill('A'), 'OPT']);
  // Short targets: the answers fit in 512 bytes without their addresses, which the resolver looks up itself.
  registered(Array.from({ length: 8 }, (_, i) => task(`t${i}`, `10.0.3.${i + 1}`)));
  const dropped = await ask('api.corp.local', 'SRV');
  assert.ok(!(dropped.flags & packet.TRUNCATED_RESPONSE));
  assert.deepEqual([dropped.answers?.length, dropped.additionals?.length], [8, 0]);
  // Other names are relayed over TCP too.
  assert.deepEqual((await askOverTcp('example.com')).answers?.map((a) => a.data), ['192.0.2.1']);
  registered([]);
});
