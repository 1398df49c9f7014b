import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolve as resolution, type Directory } from './servicediscovery-dns.js';
import { routed, type SdInstanceRecord, type SdNamespaceRecord, type SdServiceRecord } from './servicediscovery.js';

const ns: SdNamespaceRecord = { Id: 'ns-1', Arn: 'a', Name: 'corp.local', Type: 'DNS_PRIVATE', CreateDate: new Date(0), tags: [] };
const api: SdServiceRecord = {
  Id: 'srv-1', Arn: 'a', Name: 'api', NamespaceId: 'ns-1', CreateDate: new Date(0), tags: [],
  DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 10 }] },
};
const web: SdServiceRecord = { ...api, Id: 'srv-2', Name: 'web', DnsConfig: { RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'CNAME', TTL: 5 }] } };
const instance = (Id: string, Attributes: Record<string, string>): SdInstanceRecord => ({ Id, ServiceId: 'srv-1', Attributes, health: 'HEALTHY', CreatedDate: new Date(0), UpdatedDate: new Date(0) });
const instances: Record<string, SdInstanceRecord[]> = {
  'srv-1': [instance('Task1', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '80' }), instance('task2', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_PORT: '81' })],
  'srv-2': [instance('w', { AWS_INSTANCE_CNAME: 'backend.example.com' })],
};
const directory: Directory = {
  namespace: (name) => (name === ns.Name ? ns : undefined),
  service: (id, name) => [api, web].find((s) => s.NamespaceId === id && s.Name === name),
  instances: (id) => instances[id] ?? [],
  revision: () => 0,
};

/** What one query is answered: the resolution's records of the instances its routing chooses. */
function resolve(question: { name: string; type: string }, from: Directory, random: () => number) {
  const r = resolution(question, from);
  const chosen = r && routed(r.routing, r.instances, random);
  return r && { rcode: r.rcode, answers: chosen!.flatMap((i) => i.answers), additionals: chosen!.flatMap((i) => i.additionals) };
}

test('a service name answers its instances, case-insensitively', () => {
  const r = resolve({ name: 'API.corp.local.', type: 'A' }, directory, Math.random)!;
  assert.equal(r.rcode, 'NOERROR');
  assert.deepEqual(r.answers.map((a) => a.data).sort(), ['10.0.0.1', '10.0.0.2']);
});

test('SRV names each instance with its port, its address beside it; the target resolves', () => {
  const r = resolve({ name: 'api.corp.local', type: 'SRV' }, directory, () => 0)!;
  assert.deepEqual(r.answers.map((a) => (a.type === 'SRV' ? `${a.data.target}:${a.data.port}` : '')).sort(), ['task1.api.corp.local:80', 'task2.api.corp.local:81']);
  assert.deepEqual(r.additionals.map((a) => `${a.name} ${a.data}`).sort(), ['task1.api.corp.local 10.0.0.1', 'task2.api.corp.local 10.0.0.2']);
  assert.deepEqual(resolve({ name: 'task1.api.corp.local', type: 'A' }, directory, Math.random)!.answers.map((a) => a.data), ['10.0.0.1']);
});

test("an SRV-only service's targets answer their address with the SRV record's TTL", () => {
  const srvOnly: SdServiceRecord = { ...api, Id: 'srv-3', Name: 'db', DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'SRV', TTL: 7 }] } };
  const only: Directory = { ...directory, service: (id, name) => (name === 'db' ? srvOnly : undefined), instances: () => instances['srv-1']! };
  const r = resolve({ name: 'db.corp.local', type: 'SRV' }, only, () => 0)!;
  assert.deepEqual(r.additionals.map((a) => `${a.name} ${a.ttl} ${a.data}`).sort(), ['task1.db.corp.local 7 10.0.0.1', 'task2.db.corp.local 7 10.0.0.2']);
  assert.deepEqual(resolve({ name: 'task2.db.corp.local', type: 'A' }, only, Math.random)!.answers.map((a) => a.data), ['10.0.0.2']);
  assert.deepEqual(resolve({ name: 'db.corp.local', type: 'A' }, only, Math.random)!.answers, []);
});

test('a CNAME service answers its target to an A query', () => {
  assert.deepEqual(resolve({ name: 'web.corp.local', type: 'A' }, directory, Math.random)!.answers, [{ type: 'CNAME', name: 'web.corp.local', ttl: 5, data: 'backend.example.com' }]);
});

test('unknown names inside a namespace are NXDOMAIN; names outside are forwarded', () => {
  assert.equal(resolve({ name: 'nope.corp.local', type: 'A' }, directory, Math.random)!.rcode, 'NXDOMAIN');
  assert.equal(resolve({ name: 'corp.local', type: 'A' }, directory, Math.random)!.rcode, 'NOERROR');
  assert.equal(resolve({ name: 'example.com', type: 'A' }, directory, Math.random), undefined);
  assert.equal(resolve({ name: 'bad name;.corp.local', type: 'A' }, directory, Math.random), undefined);
});

test('types the service has no records of answer empty', () => {
  assert.deepEqual(resolve({ name: 'api.corp.local', type: 'AAAA' }, directory, Math.random)!.answers, []);
  assert.deepEqual(resolve({ name: 'api.corp.local', type: 'MX' }, directory, Math.random)!.answers, []);
});
