import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerable, checkDnsConfig, checkInstanceAttributes, discover, dnsName, recordSet, routed, type SdInstanceRecord, type SdServiceRecord } from './servicediscovery.js';

const service = (policy: 'MULTIVALUE' | 'WEIGHTED', records: SdServiceRecord['DnsConfig'] = { RoutingPolicy: policy, DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 20 }] }): SdServiceRecord => ({
  Id: 'srv-1', Arn: 'arn', Name: 'api', NamespaceId: 'ns-1', CreateDate: new Date(0), tags: [], DnsConfig: records,
});
const instance = (Id: string, ip: string, health: SdInstanceRecord['health'] = 'HEALTHY', extra: Record<string, string> = {}): SdInstanceRecord => ({
  Id, ServiceId: 'srv-1', Attributes: { AWS_INSTANCE_IPV4: ip, AWS_INSTANCE_PORT: '8080', ...extra }, health, CreatedDate: new Date(0), UpdatedDate: new Date(0),
});

describe('DNS names and addresses', () => {
  test('accepts and lower-cases DNS names, drops the root dot', () => {
    assert.equal(dnsName('Local.Example.'), 'local.example');
    assert.equal(dnsName('_http._tcp.svc'), '_http._tcp.svc');
  });
  test('refuses what Route 53 refuses', () => {
    for (const bad of ['', 'a..b', '-a.b', 'a-.b', 'a b', 'x'.repeat(64) + '.b', 'a;rm', `${'a.'.repeat(127)}ab`]) assert.throws(() => dnsName(bad), { name: 'InvalidInput' }, bad);
  });
  test('instance attributes: addresses and ports checked, the ones the records need required', () => {
    assert.throws(() => checkInstanceAttributes(service('MULTIVALUE'), { AWS_INSTANCE_IPV4: '10.0.0.300', AWS_INSTANCE_PORT: '80' }), { name: 'InvalidInput' });
    assert.throws(() => checkInstanceAttributes(service('MULTIVALUE'), { AWS_INSTANCE_IPV4: '10.0.0.3' }), /AWS_INSTANCE_PORT/);
    assert.throws(() => checkInstanceAttributes(service('MULTIVALUE'), { AWS_INSTANCE_IPV4: '10.0.0.3', AWS_INSTANCE_PORT: '70000' }), { name: 'InvalidInput' });
    checkInstanceAttributes(service('MULTIVALUE'), { AWS_INSTANCE_IPV4: '10.0.0.3', AWS_INSTANCE_PORT: '80' });
  });
});

describe('DnsConfig', () => {
  test('defaults to MULTIVALUE; refuses duplicate types, CNAME with others or MULTIVALUE or a health check', () => {
    assert.equal(checkDnsConfig({ DnsRecords: [{ Type: 'A', TTL: 60 }] }, false).RoutingPolicy, 'MULTIVALUE');
    assert.throws(() => checkDnsConfig({ DnsRecords: [{ Type: 'A', TTL: 60 }, { Type: 'A', TTL: 6 }] }, false), { name: 'InvalidInput' });
    assert.throws(() => checkDnsConfig({ RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'CNAME', TTL: 60 }, { Type: 'A', TTL: 6 }] }, false), { name: 'InvalidInput' });
    assert.throws(() => checkDnsConfig({ DnsRecords: [{ Type: 'CNAME', TTL: 60 }] }, false), { name: 'InvalidInput' });
    assert.throws(() => checkDnsConfig({ RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'CNAME', TTL: 60 }] }, true), { name: 'InvalidInput' });
    assert.throws(() => checkDnsConfig({ DnsRecords: [{ Type: 'A', TTL: -1 }] }, false), { name: 'InvalidInput' });
  });
});

describe('routing and record sets', () => {
  const many = Array.from({ length: 12 }, (_, i) => instance(`i${i}`, `10.0.0.${i + 1}`, i === 0 ? 'UNHEALTHY' : 'HEALTHY'));
  test('MULTIVALUE answers up to 8 healthy instances', () => {
    const answered = routed('MULTIVALUE', answerable(many), Math.random);
    assert.equal(answered.length, 8);
    assert.ok(answered.every((i) => i.health === 'HEALTHY'));
  });
  test('MULTIVALUE answers every instance when none is healthy', () => {
    assert.equal(routed('MULTIVALUE', answerable([instance('a', '10.0.0.1', 'UNHEALTHY'), instance('b', '10.0.0.2', 'UNHEALTHY')]), Math.random).length, 2);
  });
  test('WEIGHTED answers one healthy instance, chosen by the random draw', () => {
    assert.deepEqual(routed('WEIGHTED', answerable(many), () => 0).map((i) => i.Id), ['i1']);
    assert.deepEqual(routed('WEIGHTED', answerable(many), () => 0.999).map((i) => i.Id), ['i11']);
    assert.deepEqual(routed('WEIGHTED', answerable([]), () => 0), []);
  });
  test('A records carry the addresses with the TTL; SRV names each instance with its port', () => {
    const s = service('MULTIVALUE');
    assert.deepEqual(recordSet('api.local', 'A', s, [instance('t1', '10.0.0.1')]), [{ type: 'A', name: 'api.local', ttl: 10, data: '10.0.0.1' }]);
    assert.deepEqual(recordSet('api.local', 'SRV', s, [instance('t1', '10.0.0.1')]), [
      { type: 'SRV', name: 'api.local', ttl: 20, data: { priority: 1, weight: 1, port: 8080, target: 't1.api.local' } },
    ]);
    assert.deepEqual(recordSet('api.local', 'AAAA', s, [instance('t1', '10.0.0.1')]), []);
  });
  test('a record set refuses an address that is not one', () => {
    assert.throws(() => recordSet('api.local', 'A', service('MULTIVALUE'), [instance('t1', '1.2.3.4\nevil')]), { name: 'InvalidInput' });
  });
});

describe('DiscoverInstances filters', () => {
  const all = [instance('a', '10.0.0.1', 'HEALTHY', { stage: 'prod', az: 'a' }), instance('b', '10.0.0.2', 'UNHEALTHY', { stage: 'prod', az: 'b' }), instance('c', '10.0.0.3', 'HEALTHY', { stage: 'dev' })];
  const ids = (found: SdInstanceRecord[]) => found.map((i) => i.Id);
  test('query parameters must all match; optional ones narrow only when something matches', () => {
    assert.deepEqual(ids(discover(all, { QueryParameters: { stage: 'prod' } })), ['a', 'b']);
    assert.deepEqual(ids(discover(all, { QueryParameters: { stage: 'prod' }, OptionalParameters: { az: 'b' } })), ['b']);
    assert.deepEqual(ids(discover(all, { QueryParameters: { stage: 'prod' }, OptionalParameters: { az: 'z' } })), ['a', 'b']);
  });
  test('health status filters', () => {
    assert.deepEqual(ids(discover(all, { HealthStatus: 'HEALTHY' })), ['a', 'c']);
    assert.deepEqual(ids(discover(all, { HealthStatus: 'UNHEALTHY' })), ['b']);
    assert.deepEqual(ids(discover(all, { QueryParameters: { stage: 'prod' }, OptionalParameters: { az: 'b' }, HealthStatus: 'HEALTHY_OR_ELSE_ALL' })), ['b']);
  });
});
