// Terraform's AWS provider (5.x) against a real `wharf up`, configured as a user would: only `endpoints`
// point at Wharf, with no skip_credentials_validation or skip_requesting_account_id, so the provider's
// own start-up calls (sts:GetCallerIdentity) must work. The IAM resources ECS users write
// (test/terraform/iam) apply, plan again with no changes, and destroy. Terraform and the provider are the
// machine's (test/terraform-harness.ts); without them the test is skipped and says so.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('iam', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('IAM resources apply, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.equal(outputs.account, '000000000000');
  assert.equal(outputs.role_arn, 'arn:aws:iam::000000000000:role/ecs/app-task');
  assert.match(String(outputs.key_id), /^AKIA[A-Z0-9]{16}$/);

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
});
