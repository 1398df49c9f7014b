// The DNS server's view of State: every Cloud Map change moves its revision (the server's cached replies
// are rebuilt then), other records do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from '../ecs/fixtures.js';
import { stateDirectory } from './dns-directory.js';
import { deregisterInstance, registerInstance, updateInstanceCustomHealthStatus } from './instances.js';
import { createPrivateDnsNamespace } from './namespaces.js';
import { createService } from './services.js';

test('registrations, health and deregistrations move the revision and are read at once', async () => {
  const { ctx } = await fixture();
  const directory = stateDirectory(ctx.state);
  try {
    await ctx.state.mutate((tx) => tx.put('vpc', 'vpc-1', { VpcId: 'vpc-1' } as never));
    let seen = directory.revision();
    const moved = () => {
      const now = directory.revision();
      const changed = now !== seen;
      seen = now;
      return changed;
    };
    await createPrivateDnsNamespace(ctx, { Name: 'corp.local', Vpc: 'vpc-1' });
    assert.ok(moved());
    const ns = directory.namespace('corp.local')!;
    const { Service } = await createService(ctx, { Name: 'api', NamespaceId: ns.Id, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] }, HealthCheckCustomConfig: {} });
    assert.ok(moved());
    await registerInstance(ctx, { ServiceId: Service.Id, InstanceId: 'i1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } });
    assert.ok(moved());
    assert.deepEqual(directory.instances(Service.Id).map((i) => i.Id), ['i1']);
    await updateInstanceCustomHealthStatus(ctx, { ServiceId: Service.Id, InstanceId: 'i1', Status: 'UNHEALTHY' });
    assert.ok(moved());
    await ctx.state.mutate((tx) => tx.put('vpc', 'vpc-2', { VpcId: 'vpc-2' } as never));
    assert.ok(!moved());
    await deregisterInstance(ctx, { ServiceId: Service.Id, InstanceId: 'i1' });
    assert.ok(moved());
    assert.deepEqual(directory.instances(Service.Id), []);
  } finally {
    directory.close();
  }
});
