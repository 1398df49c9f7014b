import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createService } from './create-service.js';
import { fixture, populated, type Fixture } from './fixtures.js';
import { stopServiceDeployment } from './stop-service-deployment.js';
import { updateService } from './update-service.js';

let f: Fixture;
let serviceArn: string;

/** A service whose first deployment completed, and a second one in progress; answers both service deployments. */
async function deploying(): Promise<{ first: string; second: string }> {
  const { service } = await createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 1 }, f.call);
  serviceArn = service!.serviceArn!;
  const first = service!.currentServiceDeployment!;
  await f.ctx.state.mutate((tx) => {
    const s = tx.get('service', serviceArn)!;
    const done = { ...s.deployments[0]!, rolloutState: 'COMPLETED' as const };
    tx.put('service', serviceArn, { ...s, deployments: [done], completedDeployment: done });
    tx.put('serviceDeployment', first, { ...tx.get('serviceDeployment', first)!, status: 'SUCCESSFUL' });
  });
  const updated = await updateService(f.ctx, { service: 'svc', forceNewDeployment: true });
  return { first, second: updated.service!.currentServiceDeployment! };
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
  assert.equal(sd.status, 'ROLLBACK_IN_PROGRESS');
  assert.equal(sd.rollback?.serviceRevisionArn, before.deployments[1]!.serviceRevisionArn);
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
