import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createService } from './create-service.js';
import { fixture, populated, redeploying, type Fixture } from './fixtures.js';
import { ServiceController } from './service-controller.js';
import { stopServiceDeployment } from './stop-service-deployment.js';

let f: Fixture;
let serviceArn: string;

async function deploying(): Promise<{ first: string; second: string }> {
  const made = await redeploying(f);
  serviceArn = made.serviceArn;
  return made;
}

beforeEach(async () => {
  f = await fixture();
  await populated(f);
});

test('ROLLBACK (the default) makes the last completed deployment PRIMARY again; the service deployment rolls back', async () => {
  const { second } = await deploying();
  const before = f.ctx.state.get('service', serviceArn)!;
  assert.deepEqual(await stopServiceDeployment(f.ctx, { serviceDeploymentArn: second }), { serviceDeploymentArn: second });
  const after = f.ctx.state.get('service', serviceArn)!;
  assert.deepEqual(after.deployments.map((d) => [d.id, d.status, d.rolloutState]), [
    [before.deployments[1]!.id, 'PRIMARY', 'IN_PROGRESS'],
    [before.deployments[0]!.id, 'ACTIVE', 'FAILED'],
  ]);
  const sd = f.ctx.state.get('serviceDeployment', second)!;
  assert.equal(sd.status, 'ROLLBACK_REQUESTED');
  assert.equal(sd.rollback?.serviceRevisionArn, before.deployments[1]!.serviceRevisionArn);
  // Stopping it again lets the rollback go on; the service controller takes it up.
  assert.deepEqual(await stopServiceDeployment(f.ctx, { serviceDeploymentArn: second }), { serviceDeploymentArn: second });
  await new ServiceController(f.ctx).reconcile(serviceArn);
  assert.equal(f.ctx.state.get('serviceDeployment', second)!.status, 'ROLLBACK_IN_PROGRESS');
  await stopServiceDeployment(f.ctx, { serviceDeploymentArn: second });
  assert.equal(f.ctx.state.get('serviceDeployment', second)!.status, 'ROLLBACK_IN_PROGRESS');
});

test('ABORT stops launching and leaves the tasks; the service deployment is STOPPED', async () => {
  const { second } = await deploying();
  await stopServiceDeployment(f.ctx, { serviceDeploymentArn: second, stopType: 'ABORT' });
  const after = f.ctx.state.get('service', serviceArn)!;
  assert.deepEqual([after.deployments[0]!.status, after.deployments[0]!.rolloutState, after.deployments.length], ['PRIMARY', 'FAILED', 2]);
  assert.equal(f.ctx.state.get('serviceDeployment', second)!.status, 'STOPPED');
});

test('a missing one is ServiceDeploymentNotFoundException; one that is over is a ConflictException; nothing to roll back to is refused', async () => {
  await assert.rejects(stopServiceDeployment(f.ctx, { serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/default/svc/nope' }), { name: 'ServiceDeploymentNotFoundException' });
  const { first, second } = await deploying();
  await assert.rejects(stopServiceDeployment(f.ctx, { serviceDeploymentArn: first }), { name: 'ConflictException' });
  await stopServiceDeployment(f.ctx, { serviceDeploymentArn: second, stopType: 'ABORT' });
  await assert.rejects(stopServiceDeployment(f.ctx, { serviceDeploymentArn: second }), { name: 'ConflictException' });
  const { service } = await createService(f.ctx, { serviceName: 'fresh', taskDefinition: 'web', desiredCount: 0 }, f.call);
  await assert.rejects(stopServiceDeployment(f.ctx, { serviceDeploymentArn: service!.currentServiceDeployment! }), { name: 'InvalidParameterException' });
});
