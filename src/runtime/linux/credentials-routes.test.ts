import assert from 'node:assert/strict';
import { test } from 'node:test';
import { address, interfaceName, natChains, ruleset, port } from './credentials-routes.js';

test("the tasks' chain sends each task address to its gateway and the host to its loopback; the bridge's resets the rest of the bridge", () => {
  const chains = natChains('arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc');
  assert.match(chains.tasks, /^WHARF-CRED-[0-9A-F]{12}$/);
  assert.equal(chains.bridge, `${chains.tasks}-BR`);
  assert.ok(chains.bridge.length <= 28);
  const { tasks, bridge } = chains;
  const rules = ruleset(chains, {
    port: 51679,
    tasks: [
      { source: '172.17.0.3', gateway: '172.17.0.1' },
      { source: '10.0.1.9', gateway: '10.0.1.1' },
    ],
    hostTasks: true,
    bridge: { gateway: '172.17.0.1' },
  }, 'docker0');
  assert.equal(
    rules,
    [
      '*nat',
      `:${tasks} - [0:0]`,
      `-A ${tasks} -s 172.17.0.3/32 -d 169.254.170.2/32 -p tcp --dport 80 -j DNAT --to-destination 172.17.0.1:51679`,
      `-A ${tasks} -s 10.0.1.9/32 -d 169.254.170.2/32 -p tcp --dport 80 -j DNAT --to-destination 10.0.1.1:51679`,
      `-A ${tasks} -m addrtype --src-type LOCAL -d 169.254.170.2/32 -p tcp --dport 80 -j DNAT --to-destination 127.0.0.1:51679`,
      'COMMIT',
      '*filter',
      `:${bridge} - [0:0]`,
      `-A ${bridge} -i docker0 -d 169.254.170.2/32 -p tcp --dport 80 -j REJECT --reject-with tcp-reset`,
      'COMMIT',
      '',
    ].join('\n'),
  );
  assert.equal(ruleset(chains, { port: 1, tasks: [], hostTasks: false }), ['*nat', `:${tasks} - [0:0]`, 'COMMIT', '*filter', `:${bridge} - [0:0]`, 'COMMIT', ''].join('\n'));
});

test('nothing but an address or a port reaches iptables', () => {
  assert.equal(address('10.0.0.1'), '10.0.0.1');
  for (const bad of ['10.0.0.1 -j ACCEPT', '10.0.0.256', '10.0.0', '', '::1', '10.0.0.1/32', '010.0.0.1\n-A X']) {
    assert.throws(() => address(bad), /not an IPv4 address/);
  }
  assert.equal(port(80), '80');
  for (const bad of [0, 65536, 1.5, Number.NaN]) assert.throws(() => port(bad), /not a port/);
  assert.equal(interfaceName('docker0'), 'docker0');
  for (const bad of ['', '-j', 'docker0 -j ACCEPT', 'a'.repeat(16), 'br\n0']) assert.throws(() => interfaceName(bad), /not an interface name/);
  const chains = { tasks: 'C', bridge: 'B' };
  assert.throws(() => ruleset(chains, { port: 80, tasks: [{ source: '1.2.3.4 -j ACCEPT', gateway: '1.1.1.1' }], hostTasks: false }));
  assert.throws(() => ruleset(chains, { port: 80, tasks: [], hostTasks: false, bridge: { gateway: '1.1.1.1' } }, 'docker0 -j ACCEPT'));
});
