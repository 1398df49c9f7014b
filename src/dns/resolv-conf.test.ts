import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameservers } from './resolv-conf.js';

test('nameservers: the addresses in order, comments and junk skipped', () => {
  assert.deepEqual(nameservers('# generated\nsearch corp\nnameserver 10.0.0.2\n nameserver  fd00::53 \nnameserver bogus\n;nameserver 1.1.1.1\noptions ndots:5\n'), ['10.0.0.2', 'fd00::53']);
});

test('listen addresses: address:port pairs, IPv6 in brackets; anything else refused', async () => {
  const { listenAddresses, listenSpec } = await import('./controller.js');
  assert.deepEqual(listenAddresses('172.17.0.1:53, [fd00::1]:5353'), [{ address: '172.17.0.1', port: 53 }, { address: 'fd00::1', port: 5353 }]);
  assert.deepEqual(listenAddresses(''), []);
  assert.deepEqual(listenAddresses('off'), []);
  // Unset: the bridge gateway's port 53 (the address tasks are given); set, even empty, as the user says.
  assert.equal(listenSpec(undefined, '172.17.0.1'), '172.17.0.1:53');
  assert.equal(listenSpec(undefined, undefined), '');
  assert.equal(listenSpec('', '172.17.0.1'), '');
  for (const bad of ['172.17.0.1', 'host:53', '1.2.3.4:99999', '1.2.3.4:53;rm']) assert.throws(() => listenAddresses(bad), /WHARF_DNS_LISTEN/);
});
