import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainName, hookRules, removal, ruleset } from './iptables-firewall.js';

test('a chain name per scope, short enough for iptables, the same every time', () => {
  const name = chainName('arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc');
  assert.match(name, /^WHARF-[0-9A-F]{12}$/);
  assert.ok(name.length <= 28);
  assert.equal(chainName('arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc'), name);
  assert.notEqual(chainName('other'), name);
});

test("replies pass; new traffic passes the sender's egress, then the receiver's ingress, each dropping the rest; what is let in is marked to cross networks", () => {
  const text = ruleset('WHARF-X', [
    {
      address: '172.31.0.4',
      ingress: [
        { protocol: 'tcp', fromPort: 80, toPort: 80, peers: ['0.0.0.0/0'] },
        { protocol: 'udp', fromPort: 5000, toPort: 5010, peers: ['10.0.0.0/8', '172.31.0.5/32'] },
        { protocol: 'icmp', fromPort: 8, toPort: -1, peers: ['172.31.0.0/16'] },
        { protocol: 'all', peers: ['172.31.0.9/32'] },
        { protocol: 'tcp', fromPort: 22, toPort: 22, peers: [] },
      ],
      egress: [{ protocol: 'all', peers: ['0.0.0.0/0'] }],
    },
    { address: '172.31.0.5', ingress: [], egress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, peers: ['10.0.0.0/8'] }] },
  ]);
  assert.equal(
    text,
    [
      '*filter',
      ':WHARF-X - [0:0]',
      ':WHARF-X-O - [0:0]',
      ':WHARF-X-I - [0:0]',
      '-A WHARF-X -s 172.31.0.4/32 -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X -d 172.31.0.4/32 -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X -s 172.31.0.5/32 -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X -d 172.31.0.5/32 -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      '-A WHARF-X -j WHARF-X-O',
      '-A WHARF-X -j WHARF-X-I',
      '-A WHARF-X-O -s 172.31.0.4/32 -d 0.0.0.0/0 -j RETURN',
      '-A WHARF-X-O -s 172.31.0.4/32 -j DROP',
      '-A WHARF-X-I -d 172.31.0.4/32 -s 0.0.0.0/0 -p tcp --dport 80:80 -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X-I -d 172.31.0.4/32 -s 10.0.0.0/8 -p udp --dport 5000:5010 -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X-I -d 172.31.0.4/32 -s 172.31.0.5/32 -p udp --dport 5000:5010 -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X-I -d 172.31.0.4/32 -s 172.31.0.0/16 -p icmp --icmp-type 8 -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X-I -d 172.31.0.4/32 -s 172.31.0.9/32 -j MARK --set-xmark 0x2000000/0x2000000',
      '-A WHARF-X-I -d 172.31.0.4/32 -m mark --mark 0x2000000/0x2000000 -j RETURN',
      '-A WHARF-X-I -d 172.31.0.4/32 -j DROP',
      '-A WHARF-X-O -s 172.31.0.5/32 -d 10.0.0.0/8 -p tcp --dport 443:443 -j RETURN',
      '-A WHARF-X-O -s 172.31.0.5/32 -j DROP',
      '-A WHARF-X-I -d 172.31.0.5/32 -m mark --mark 0x2000000/0x2000000 -j RETURN',
      '-A WHARF-X-I -d 172.31.0.5/32 -j DROP',
      'COMMIT',
      '',
    ].join('\n'),
  );
});

test("hooked in by the first write: first in DOCKER-USER and OUTPUT, marked traffic accepted before Docker's closing RETURN; nothing twice", () => {
  const docker = ['-P FORWARD DROP', '-N DOCKER-USER', '-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -j RETURN'];
  assert.deepEqual(hookRules('WHARF-X', docker), ['-I DOCKER-USER 1 -j WHARF-X', '-I OUTPUT 1 -j WHARF-X', '-I DOCKER-USER 2 -m mark --mark 0x2000000/0x2000000 -j ACCEPT']);
  const hooked = ['-N DOCKER-USER', '-A DOCKER-USER -j WHARF-Y', '-A DOCKER-USER -m mark --mark 0x2000000/0x2000000 -j ACCEPT', '-A DOCKER-USER -j RETURN', '-A OUTPUT -j WHARF-X'];
  assert.deepEqual(hookRules('WHARF-X', hooked), ['-I DOCKER-USER 1 -j WHARF-X'], "another scope's accept rule serves");
  assert.deepEqual(hookRules('WHARF-X', ['-N DOCKER-USER', '-A DOCKER-USER -j WHARF-X', '-A OUTPUT -j WHARF-X']), ['-A DOCKER-USER -m mark --mark 0x2000000/0x2000000 -j ACCEPT'], 'no closing RETURN: last');
  assert.deepEqual(hookRules('WHARF-X', ['-P FORWARD ACCEPT']), ['-I FORWARD 1 -j WHARF-X', '-I OUTPUT 1 -j WHARF-X'], 'without Docker: FORWARD');
  const text = ruleset('WHARF-X', [], hookRules('WHARF-X', docker)).split('\n');
  assert.deepEqual(text.slice(-5), ['-I DOCKER-USER 1 -j WHARF-X', '-I OUTPUT 1 -j WHARF-X', '-I DOCKER-USER 2 -m mark --mark 0x2000000/0x2000000 -j ACCEPT', 'COMMIT', ''], 'in the same transaction, after the chains');
});

test('removed in one transaction: every jump to the chain, then the chains; nothing when none is there', () => {
  const listing = ['-N DOCKER-USER', '-N WHARF-X', '-N WHARF-X-O', '-N WHARF-X-I', '-A DOCKER-USER -j WHARF-X', '-A DOCKER-USER -j WHARF-X', '-A DOCKER-USER -j RETURN', '-A OUTPUT -j WHARF-X', '-A WHARF-X -j WHARF-X-O', '-A WHARF-X -j WHARF-X-I'];
  assert.equal(
    removal('WHARF-X', listing),
    ['*filter', ':WHARF-X - [0:0]', ':WHARF-X-O - [0:0]', ':WHARF-X-I - [0:0]', '-D DOCKER-USER -j WHARF-X', '-D DOCKER-USER -j WHARF-X', '-D OUTPUT -j WHARF-X', '-X WHARF-X', '-X WHARF-X-O', '-X WHARF-X-I', 'COMMIT', ''].join('\n'),
  );
  assert.equal(removal('WHARF-Z', listing), undefined);
});
