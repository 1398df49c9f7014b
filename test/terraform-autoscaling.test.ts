// Terraform's aws_appautoscaling_target, aws_appautoscaling_policy (target tracking and step scaling),
// aws_appautoscaling_scheduled_action and aws_cloudwatch_metric_alarm against a real `wharf up`:
// test/terraform/autoscaling applies, plans again with no changes, and destroys leaving no target or alarm.
// Skipped, saying why, where Terraform or its provider is missing.
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('autoscaling', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('scalable target, policies, alarm and scheduled actions apply, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.match(String(outputs.target_arn), /^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target\/[0-9a-f]+$/);
  assert.match(String(outputs.cpu_policy_arn), /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/scaled\/web:policyName\/cpu-target-60$/);
  const alarms = outputs.cpu_alarms as string[];
  assert.equal(alarms.length, 2);
  assert.ok(alarms.every((arn) => /^arn:aws:cloudwatch:us-east-1:000000000000:alarm:TargetTracking-service\/scaled\/web-Alarm(High|Low)-/.test(arn)));

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const { ScalableTargets } = await new ApplicationAutoScalingClient(client).send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
  assert.deepEqual(ScalableTargets, []);
  const { MetricAlarms } = await new CloudWatchClient(client).send(new DescribeAlarmsCommand({}));
  assert.deepEqual(MetricAlarms, []);
});
