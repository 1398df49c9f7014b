// The DNS server over real UDP sockets: Cloud Map names answered from State as it changes, other names
// relayed from an upstream resolver.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import * as packet from 'dns-packet';
import { fixture, type Fixture } from '../control/ecs/fixtures.js';
import { deregisterInstance, registerInstance } from '../control/servicediscovery/instances.js';
import { createPrivateDnsNamespace } from '../control/servicediscovery/namespaces.js';
import { createService } from '../control/servicediscovery/services.js';
import { stateDirectory } from './directory.js';
import { startDnsServer, type DnsServer } from './server.js';

let f: Fixture;
let server: DnsServer;
let directory: ReturnType<typeof stateDirectory>;
const upstream = createSocket('udp4');
let serviceId: string;

/** A decoded reply, its records' data loosely typed (dns-packet's types omit rcode and union the data). */
type Reply = { rcode?: string; answers?: { data: unknown }[]; additionals?: { data: unknown }[] };

async function ask(name: string, type: packet.RecordType = 'A'): Promise<Reply> {
  const socket = createSocket('udp4');
  try {
    return await new Promise((done) => {
      socket.on('message', (reply) => done(packet.decode(reply) as unknown as Reply));
      socket.send(packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] }), server.port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

before(async () => {
  f = await fixture();
  // A fake upstream: answers every question with 192.0.2.1.
  upstream.on('message', (message, remote) => {
    const query = packet.decode(message);
    const reply = packet.encode({ type: 'response', id: query.id, questions: query.questions, answers: [{ type: 'A', name: query.questions![0]!.name, ttl: 60, data: '192.0.2.1' }] });
    upstream.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((done) => upstream.bind(0, '127.0.0.1', done));
  await f.ctx.state.mutate((tx) => tx.put('vpc', 'vpc-1', { VpcId: 'vpc-1' } as never));
  await createPrivateDnsNamespace(f.ctx, { Name: 'corp.local', Vpc: 'vpc-1' });
  const nsId = [...f.ctx.state.all('sdNamespace')][0]!.Id;
  serviceId = (await createService(f.ctx, { Name: 'api', NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 10 }] } })).Service.Id;
  directory = stateDirectory(f.ctx.state);
  server = await startDnsServer({ address: '127.0.0.1', port: 0, directory, upstream: [{ address: '127.0.0.1', port: upstream.address().port }], log: f.ctx.log });
});

after(async () => {
  await server.close();
  directory.close();
  upstream.close();
});

test('a registered instance is answered at once, and gone at once when deregistered', async () => {
  assert.equal((await ask('api.corp.local')).answers?.length, 0);
  await registerInstance(f.ctx, { ServiceId: serviceId, InstanceId: 'task-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.7', AWS_INSTANCE_PORT: '8080' } });
  const reply = await ask('api.corp.local');
  assert.equal(reply.rcode, 'NOERROR');
  assert.deepEqual(reply.answers?.map((a) => a.data), ['10.0.0.7']);
  const srv = await ask('api.corp.local', 'SRV');
  assert.deepEqual(srv.answers?.map((a) => a.data), [{ priority: 1, weight: 1, port: 8080, target: 'task-1.api.corp.local' }]);
  assert.deepEqual(srv.additionals?.map((a) => a.data), ['10.0.0.7']);
  await deregisterInstance(f.ctx, { ServiceId: serviceId, InstanceId: 'task-1' });
  assert.deepEqual((await ask('api.corp.local')).answers, []);
});

test('unknown names in a namespace are NXDOMAIN; other names come from the upstream', async () => {
  assert.equal((await ask('nope.corp.local')).rcode, 'NXDOMAIN');
  assert.deepEqual((await ask('example.com')).answers?.map((a) => a.data), ['192.0.2.1']);
});
