// Terraform's EFS resources against a real `wharf up` (test/terraform/efs): aws_efs_file_system,
// aws_efs_mount_target, aws_efs_access_point and aws_efs_file_system_policy, and a task definition that
// mounts the file system through the access point, apply, plan again with no changes, and destroy, which
// removes the file system's directory. Skipped, saying why, without Terraform and the provider mirror.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('efs', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('EFS resources apply, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  const fileSystemId = String(outputs.file_system_id);
  assert.match(fileSystemId, /^fs-[0-9a-f]{17}$/);
  assert.equal(outputs.dns_name, `${fileSystemId}.efs.us-east-1.amazonaws.com`);
  assert.equal((outputs.mount_target_ips as string[]).length, 2);
  assert.match(String(outputs.access_point_arn), /^arn:aws:elasticfilesystem:us-east-1:\d{12}:access-point\/fsap-[0-9a-f]{17}$/);
  assert.ok(existsSync(join(wharf.dataDir, 'efs', fileSystemId, 'app')), "the access point's root directory");

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
  assert.equal(existsSync(join(wharf.dataDir, 'efs', fileSystemId)), false);
});
