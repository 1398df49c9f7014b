// CreateService, UpdateService, RunTask and StartTask with the members whose features rest on services
// Wharf lacks: each is kept and shown where ECS shows it, or refused as ECS refuses it; none vanishes.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createService } from './create-service.js';
import { describeServiceRevisions } from './describe-service-revisions.js';
import { fixture, populated, type Fixture } from './fixtures.js';
import { runTask } from './run-task.js';
import { startTask } from './start-task.js';
import { updateService } from './update-service.js';

let f: Fixture;
let instanceArn: string;

beforeEach(async () => {
  f = await fixture();
  ({ instanceArn } = await populated(f));
});

const disabled = { enabled: false };

test('a disabled Service Connect configuration is kept and shown on the deployment and its service revision', async () => {
  const { service } = await createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 0, serviceConnectConfiguration: disabled }, f.call);
  const deployment = service!.deployments![0]!;
  assert.deepEqual(deployment.serviceConnectConfiguration, disabled);
  const revisionArn = f.ctx.state.get('service', service!.serviceArn!)!.deployments[0]!.serviceRevisionArn;
  const { serviceRevisions } = await describeServiceRevisions(f.ctx, { serviceRevisionArns: [revisionArn] });
  assert.deepEqual(serviceRevisions![0]!.serviceConnectConfiguration, disabled);
});

test('without one, none is shown; changing it with UpdateService starts a new deployment', async () => {
  const { service } = await createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 0 }, f.call);
  assert.equal('serviceConnectConfiguration' in service!.deployments![0]!, false);
  const same = await updateService(f.ctx, { service: 'svc', desiredCount: 0 });
  assert.equal(same.service!.deployments!.length, 1);
  const updated = await updateService(f.ctx, { service: 'svc', serviceConnectConfiguration: disabled });
  assert.equal(updated.service!.deployments!.length, 2);
  assert.deepEqual(updated.service!.deployments![0]!.serviceConnectConfiguration, disabled);
});

test('Service Connect enabled is NamespaceNotFoundException: no Cloud Map namespace exists here', async () => {
  const enabled = { enabled: true, namespace: 'internal' };
  await assert.rejects(createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 0, serviceConnectConfiguration: enabled }, f.call), {
    name: 'NamespaceNotFoundException',
  });
  await createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 0 }, f.call);
  await assert.rejects(updateService(f.ctx, { service: 'svc', serviceConnectConfiguration: enabled }), { name: 'NamespaceNotFoundException' });
});

test('EBS volumes configured at launch and VPC Lattice are UnsupportedFeatureException, for services and tasks', async () => {
  const volumeConfigurations = [{ name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 10 } }];
  const vpcLatticeConfigurations = [{ roleArn: 'arn:aws:iam::123456789012:role/l', targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-1', portName: 'http' }];
  const base = { serviceName: 'svc', taskDefinition: 'web', desiredCount: 0 };
  await assert.rejects(createService(f.ctx, { ...base, volumeConfigurations }, f.call), { name: 'UnsupportedFeatureException' });
  await assert.rejects(createService(f.ctx, { ...base, vpcLatticeConfigurations }, f.call), { name: 'UnsupportedFeatureException' });
  await createService(f.ctx, { ...base, volumeConfigurations: [], vpcLatticeConfigurations: [] }, f.call);
  await assert.rejects(updateService(f.ctx, { service: 'svc', volumeConfigurations }), { name: 'UnsupportedFeatureException' });
  const taskVolumes = [{ name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 10 } }];
  await assert.rejects(runTask(f.ctx, { taskDefinition: 'web', volumeConfigurations: taskVolumes }), { name: 'UnsupportedFeatureException' });
  await assert.rejects(startTask(f.ctx, { taskDefinition: 'web', containerInstances: [instanceArn], volumeConfigurations: taskVolumes }), { name: 'UnsupportedFeatureException' });
});
