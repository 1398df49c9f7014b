import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, cidrsOverlap, formatCidr, formatIpv4, nextFreeAddress, parseCidr, parseIpv4, subnetGateway, usableAddresses } from './ipv4.js';

test('addresses and blocks parse and print', () => {
  assert.equal(parseIpv4('172.31.16.4'), (172 << 24 >>> 0) + (31 << 16) + (16 << 8) + 4);
  assert.equal(formatIpv4(parseIpv4('255.255.255.255')!), '255.255.255.255');
  for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', 'a.b.c.d', '1.2.3.4.5']) assert.equal(parseIpv4(bad), undefined, bad);
  assert.deepEqual(parseCidr('10.0.0.0/16'), { base: parseIpv4('10.0.0.0'), prefix: 16 });
  assert.equal(parseCidr('10.0.0.1/16'), undefined, 'not a network address');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
  assert.equal(formatCidr(parseCidr('0.0.0.0/0')!), '0.0.0.0/0');
});

test('containment and overlap', () => {
  const vpc = parseCidr('172.31.0.0/16')!;
  assert.ok(cidrContains(vpc, parseCidr('172.31.16.0/20')!));
  assert.ok(!cidrContains(vpc, parseCidr('172.30.0.0/20')!));
  assert.ok(!cidrContains(parseCidr('172.31.16.0/20')!, vpc));
  assert.ok(cidrsOverlap(parseCidr('10.0.0.0/24')!, parseCidr('10.0.0.128/25')!));
  assert.ok(!cidrsOverlap(parseCidr('10.0.0.0/25')!, parseCidr('10.0.0.128/25')!));
});

test('EC2 keeps the first four and the last address of a subnet; the rest go round-robin', () => {
  const subnet = parseCidr('10.0.0.0/28')!;
  assert.equal(usableAddresses(subnet), 11);
  assert.equal(formatIpv4(subnetGateway(subnet)), '10.0.0.1');
  const taken = new Set<number>();
  const first = nextFreeAddress(subnet, taken)!;
  assert.equal(formatIpv4(first.address), '10.0.0.4');
  taken.add(first.address);
  const second = nextFreeAddress(subnet, taken, first.nextOffset)!;
  assert.equal(formatIpv4(second.address), '10.0.0.5');
  taken.delete(first.address); // released: not reused until the search comes round again
  assert.equal(formatIpv4(nextFreeAddress(subnet, taken, second.nextOffset)!.address), '10.0.0.6');
  for (let a = 4; a <= 14; a++) taken.add(subnet.base + a);
  assert.equal(nextFreeAddress(subnet, taken), undefined, '10.0.0.15 is the broadcast address');
  assert.equal(nextFreeAddress(parseCidr('10.0.0.0/30')!, new Set()), undefined);
});
