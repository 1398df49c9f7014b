// Terraform's AWS provider (5.x) against a real `wharf up`, configured as a user would (only `endpoints`
// point at Wharf): aws_cloudwatch_log_group with retention and tags (test/terraform/logs) applies, plans
// again with no changes, and destroys leaving no log group. Terraform and the provider are the machine's
// (test/terraform-harness.ts); without them the test is skipped and says so.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;
let logs: CloudWatchLogsClient;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  logs = new CloudWatchLogsClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  stack = TerraformWorkspace.create('logs', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  logs?.destroy();
  await wharf?.stop();
});

test('log groups apply with retention and tags, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.equal(outputs.app_arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/app');
  assert.match(String(outputs.sidecar_name), /^\/ecs\/sidecar-\w+$/);
  const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
  assert.deepEqual(logGroups.map((g) => [g.logGroupName, g.retentionInDays]), [['/ecs/app', 14], [outputs.sidecar_name, undefined]]);
  const { tags } = await logs.send(new ListTagsForResourceCommand({ resourceArn: String(outputs.app_arn) }));
  assert.deepEqual(tags, { team: 'wharf', env: 'test' });

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
  assert.deepEqual((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }))).logGroups, []);
});
