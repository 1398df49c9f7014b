import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { continueServiceDeployment } from './continue-service-deployment.js';
import { fixture, populated, redeploying, type Fixture } from './fixtures.js';

let f: Fixture;
let serviceArn: string;
const HOOK = 'ecs-pause-1-post-test-traffic-shift-0';

/** A service whose first deployment completed and whose second is held by a PAUSE hook (as the scheduler holds it). */
async function paused(): Promise<{ first: string; second: string }> {
  const { first, second, ...made } = await redeploying(f);
  serviceArn = made.serviceArn;
  await f.ctx.state.mutate((tx) => {
    const s = tx.get('service', serviceArn)!;
    const trafficShift = {
      stage: 'POST_TEST_TRAFFIC_SHIFT' as const,
      stageStartedAt: new Date(),
      productionPercent: 0,
      pauseHooks: [{ hookId: HOOK, targetType: 'PAUSE' as const, stage: 'POST_TEST_TRAFFIC_SHIFT' as const, status: 'AWAITING_ACTION' as const }],
    };
    tx.put('service', serviceArn, { ...s, deployments: [{ ...s.deployments[0]!, trafficShift }, ...s.deployments.slice(1)] });
    tx.put('serviceDeployment', second, { ...tx.get('serviceDeployment', second)!, status: 'IN_PROGRESS' });
  });
  return { first, second };
}

beforeEach(async () => {
  f = await fixture();
  await populated(f);
});

test('CONTINUE (the default) marks the hook SUCCEEDED, so the deployment goes on', async () => {
  const { second } = await paused();
  assert.deepEqual(await continueServiceDeployment(f.ctx, { serviceDeploymentArn: second, hookId: HOOK }), { serviceDeploymentArn: second });
  const primary = f.ctx.state.get('service', serviceArn)!.deployments[0]!;
  assert.equal(primary.trafficShift?.pauseHooks?.[0]?.status, 'SUCCEEDED');
  const sd = f.ctx.state.get('serviceDeployment', second)!;
  assert.deepEqual([sd.status, sd.lifecycleHookDetails], ['IN_PROGRESS', [{ hookId: HOOK, targetType: 'PAUSE', status: 'SUCCEEDED' }]]);
  await assert.rejects(continueServiceDeployment(f.ctx, { serviceDeploymentArn: second, hookId: HOOK }), {
    name: 'InvalidParameterException',
    message: `The lifecycle hook ${HOOK} is SUCCEEDED, not AWAITING_ACTION.`,
  });
});

test('ROLLBACK marks the hook FAILED and returns the service to its last completed deployment', async () => {
  const { second } = await paused();
  const before = f.ctx.state.get('service', serviceArn)!;
  await continueServiceDeployment(f.ctx, { serviceDeploymentArn: second, hookId: HOOK, action: 'ROLLBACK' });
  const after = f.ctx.state.get('service', serviceArn)!;
  assert.deepEqual(after.deployments.map((d) => [d.id, d.status, d.rolloutState]), [
    [before.deployments[1]!.id, 'PRIMARY', 'IN_PROGRESS'],
    [before.deployments[0]!.id, 'ACTIVE', 'FAILED'],
  ]);
  const sd = f.ctx.state.get('serviceDeployment', second)!;
  assert.deepEqual([sd.status, sd.lifecycleHookDetails?.[0]?.status], ['ROLLBACK_REQUESTED', 'FAILED']);
});

test('an unknown deployment, a deployment not in progress, an unknown hook or action: AWS errors, nothing changed', async () => {
  await assert.rejects(continueServiceDeployment(f.ctx, { serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/default/svc/nope', hookId: HOOK }), {
    name: 'ServiceDeploymentNotFoundException',
  });
  const { first, second } = await paused();
  const before = f.ctx.state.get('service', serviceArn);
  await assert.rejects(continueServiceDeployment(f.ctx, { serviceDeploymentArn: first, hookId: HOOK }), { name: 'InvalidParameterException' });
  await assert.rejects(continueServiceDeployment(f.ctx, { serviceDeploymentArn: second, hookId: 'ecs-pause-nope' }), { name: 'InvalidParameterException' });
  await assert.rejects(continueServiceDeployment(f.ctx, { serviceDeploymentArn: second, hookId: HOOK, action: 'SKIP' as 'CONTINUE' }), { name: 'InvalidParameterException' });
  assert.equal(f.ctx.state.get('service', serviceArn), before);
});
