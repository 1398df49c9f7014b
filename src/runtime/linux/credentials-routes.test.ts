import assert from 'node:assert/strict';
import { test } from 'node:test';
import { address, natChainName, natRuleset, port } from './credentials-routes.js';

test('the nat chain sends each task address to its gateway, and the host to its loopback', () => {
  const chain = natChainName('arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc');
  assert.match(chain, /^WHARF-CRED-[0-9A-F]{12}$/);
  assert.ok(chain.length <= 28);
  const rules = natRuleset(chain, {
    port: 51679,
    tasks: [
      { source: '172.17.0.3', gateway: '172.17.0.1' },
      { source: '10.0.1.9', gateway: '10.0.1.1' },
    ],
    hostTasks: true,
  });
  assert.equal(
    rules,
    [
      '*nat',
      `:${chain} - [0:0]`,
      `-A ${chain} -s 172.17.0.3/32 -d 169.254.170.2/32 -p tcp --dport 80 -j DNAT --to-destination 172.17.0.1:51679`,
      `-A ${chain} -s 10.0.1.9/32 -d 169.254.170.2/32 -p tcp --dport 80 -j DNAT --to-destination 10.0.1.1:51679`,
      `-A ${chain} -m addrtype --src-type LOCAL -d 169.254.170.2/32 -p tcp --dport 80 -j DNAT --to-destination 127.0.0.1:51679`,
      'COMMIT',
      '',
    ].join('\n'),
  );
  assert.equal(natRuleset(chain, { port: 1, tasks: [], hostTasks: false }), ['*nat', `:${chain} - [0:0]`, 'COMMIT', ''].join('\n'));
});

test('nothing but an address or a port reaches iptables', () => {
  assert.equal(address('10.0.0.1'), '10.0.0.1');
  for (const bad of ['10.0.0.1 -j ACCEPT', '10.0.0.256', '10.0.0', '', '::1', '10.0.0.1/32', '010.0.0.1\n-A X']) {
    assert.throws(() => address(bad), /not an IPv4 address/);
  }
  assert.equal(port(80), '80');
  for (const bad of [0, 65536, 1.5, Number.NaN]) assert.throws(() => port(bad), /not a port/);
  assert.throws(() => natRuleset('C', { port: 80, tasks: [{ source: '1.2.3.4 -j ACCEPT', gateway: '1.1.1.1' }], hostTasks: false }));
});
