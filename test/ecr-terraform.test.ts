// Terraform's AWS provider against a real `wharf up`: an ECR repository with its lifecycle and repository
// policies (test/terraform/ecr) applies, plans again with no changes, and destroys. Skipped, saying why,
// where Terraform or its provider mirror is missing (test/terraform-harness.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { freePort, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf({ args: ['--registry-port', String(await freePort())] });
  stack = TerraformWorkspace.create('ecr', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('aws_ecr_repository, aws_ecr_lifecycle_policy and aws_ecr_repository_policy apply, plan clean and destroy', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.equal(outputs.repository_url, '000000000000.dkr.ecr.us-east-1.amazonaws.com/terraform/app');
  assert.equal(outputs.registry_id, '000000000000');

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
});
