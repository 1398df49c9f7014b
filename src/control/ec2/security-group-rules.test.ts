import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorize, entriesOf, entryOf, permissionsOf, protocolName, requestedEntries, revoke, ruleOf, rulesById, type RuleEntry } from './security-group-rules.js';

const group = (pair: { GroupId?: string; GroupName?: string }) => pair.GroupId ?? `sg-of-${pair.GroupName}`;
const entries = (input: Parameters<typeof requestedEntries>[0]) => requestedEntries(input, group, '123456789012');

test('protocols as EC2 names them', () => {
  assert.deepEqual(['6', 'TCP', '17', '1', 'all', '-1', '47'].map(protocolName), ['tcp', 'tcp', 'udp', 'icmp', '-1', '-1', '47']);
  assert.throws(() => protocolName('bogus'), { name: 'InvalidParameterValue' });
  assert.throws(() => protocolName('300'), { name: 'InvalidParameterValue' });
});

test('both request forms; each source is one rule; bad ports and CIDRs are refused', () => {
  assert.deepEqual(entries({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }), [
    { protocol: 'tcp', fromPort: 80, toPort: 80, source: { cidr: '0.0.0.0/0' } },
  ]);
  assert.deepEqual(
    entries({ IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'lan' }], UserIdGroupPairs: [{ GroupName: 'web' }] }] }),
    [
      { protocol: '-1', source: { cidr: '10.0.0.0/8', description: 'lan' } },
      { protocol: '-1', source: { groupId: 'sg-of-web', userId: '123456789012' } },
    ],
  );
  assert.throws(() => entries({}), { name: 'MissingParameter' });
  assert.throws(() => entries({ IpProtocol: 'tcp', FromPort: 90, ToPort: 80, CidrIp: '0.0.0.0/0' }), { name: 'InvalidParameterValue' });
  assert.throws(() => entries({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.1/8' }), { name: 'InvalidParameterValue' });
  assert.throws(() => entries({ IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2 }] }), { name: 'InvalidParameterValue' });
});

test('authorize groups rules by protocol and ports and refuses duplicates; revoke refuses what is not there; directions apart', () => {
  let n = 0;
  const base = { GroupId: 'sg-1', GroupName: 'g', Description: 'g', VpcId: 'vpc-1', OwnerId: '123456789012', IpPermissions: [], IpPermissionsEgress: [], rules: [], Tags: [] };
  const newRule = (isEgress: boolean) => (e: RuleEntry) => ruleOf(base, e, isEgress, `sgr-${++n}`);
  const web = entries({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' });
  const lan = entries({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' });
  const first = authorize(base, web, false, newRule(false));
  assert.deepEqual(first.rules.map((r) => [r.SecurityGroupRuleId, r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4]), [['sgr-1', false, 'tcp', 80, 80, '0.0.0.0/0']]);
  const { group } = authorize(first.group, lan, false, newRule(false));
  assert.deepEqual(group.IpPermissions, [
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
  assert.throws(() => authorize(group, web, false, newRule(false)), {
    name: 'InvalidPermission.Duplicate',
    message: 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists',
  });
  const both = authorize(group, web, true, newRule(true)).group;
  assert.deepEqual(both.IpPermissionsEgress.map((p) => p.IpRanges), [[{ CidrIp: '0.0.0.0/0' }]]);
  assert.deepEqual(revoke(revoke(both, web, false).group, lan, false).group.IpPermissions, []);
  assert.throws(() => revoke(base, web, false), { name: 'InvalidPermission.NotFound' });
  assert.deepEqual(rulesById(both, ['sgr-1'], false), web);
  assert.throws(() => rulesById(both, ['sgr-1'], true), { name: 'InvalidSecurityGroupRuleId.NotFound' });
});

test('rules and permissions round-trip; rules without ports cover every port', () => {
  const group = { GroupId: 'sg-1', OwnerId: '123456789012' };
  const all = entries({ IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-2', Description: 'peers' }] }] });
  const rule = ruleOf(group, all[0]!, true, 'sgr-9');
  assert.deepEqual([rule.FromPort, rule.ToPort, rule.ReferencedGroupInfo, rule.Description], [-1, -1, { GroupId: 'sg-2', UserId: '123456789012' }, 'peers']);
  assert.deepEqual(permissionsOf([rule]), [
    { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '123456789012', Description: 'peers' }] },
  ]);
  assert.deepEqual(entriesOf(permissionsOf([rule])), [entryOf(rule)]);
});
