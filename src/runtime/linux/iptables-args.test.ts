import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chain, icmpType, ipv4, ipv4Cidr, IptablesArgumentError, port, portRange, protocol } from './iptables-args.js';
import { redirectRules } from './iproute-interfaces.js';
import { ruleset } from './iptables-firewall.js';

test('each value is exactly what its option takes', () => {
  assert.equal(ipv4('172.31.0.4'), '172.31.0.4');
  assert.equal(ipv4Cidr('10.0.0.1/8'), '10.0.0.1/8');
  assert.equal(protocol('tcp'), 'tcp');
  assert.equal(protocol('47'), '47');
  assert.equal(portRange(80, 81), '80:81');
  assert.equal(port(8080), '8080');
  assert.equal(icmpType(3, 4), '3/4');
  assert.equal(chain('WHARF-ABC'), 'WHARF-ABC');
  for (const bad of [() => ipv4('1.2.3.4 -j ACCEPT'), () => ipv4Cidr('0.0.0.0/0\n-A INPUT -j ACCEPT'), () => ipv4Cidr('1.2.3.4/33'), () => protocol('tcp -j ACCEPT'), () => protocol('256'), () => portRange(1, 70000), () => port(0), () => port(1.5), () => icmpType(-1), () => chain('-F')]) {
    assert.throws(bad, IptablesArgumentError);
  }
});

test('a security group source cannot add a rule', () => {
  assert.throws(() => ruleset('WHARF-X', [{ address: '172.31.0.4', ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, peers: ['0.0.0.0/0 -j RETURN\n-A WHARF-X -j ACCEPT'] }], egress: [] }]), IptablesArgumentError);
  assert.throws(() => ruleset('WHARF-X', [{ address: '172.31.0.4\n-F', ingress: [], egress: [] }]), IptablesArgumentError);
});

test("Service Connect's intercept: a task's port redirected to its proxy's listener, in one nat table", () => {
  assert.equal(redirectRules([{ port: 8080, toPort: 15000 }]), '*nat\n-A PREROUTING -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 15000\nCOMMIT\n');
  assert.throws(() => redirectRules([{ port: 70000, toPort: 15000 }]), IptablesArgumentError);
});
