import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorize, protocolName, requestedEntries, revoke } from './security-group-rules.js';

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

test('authorize groups rules by protocol and ports and refuses duplicates; revoke refuses what is not there', () => {
  const web = entries({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' });
  const lan = entries({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' });
  const permissions = authorize(authorize([], web), lan);
  assert.deepEqual(permissions, [
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
  assert.throws(() => authorize(permissions, web), {
    name: 'InvalidPermission.Duplicate',
    message: 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists',
  });
  assert.deepEqual(revoke(revoke(permissions, web), lan), []);
  assert.throws(() => revoke([], web), { name: 'InvalidPermission.NotFound' });
});
