// Terraform's aws_cloudwatch_event_rule and aws_cloudwatch_event_target (ecs_target, retry policy, input
// transformer, a custom bus) against a real `wharf up`: test/terraform/events applies, plans again with no
// changes, and destroys leaving no rule. Skipped, saying why, where Terraform or its provider is missing.
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('events', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('EventBridge rules and ECS targets apply, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.equal(outputs.hourly_rule_arn, 'arn:aws:events:us-east-1:000000000000:rule/hourly-batch');
  assert.equal(outputs.csv_rule_arn, 'arn:aws:events:us-east-1:000000000000:rule/uploads/csv-uploaded');

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
  const events = new EventBridgeClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  assert.deepEqual((await events.send(new ListRulesCommand({}))).Rules, []);
});
