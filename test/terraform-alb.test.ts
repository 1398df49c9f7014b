// Terraform's AWS provider (5.x) against a real `wharf up` (test/terraform-harness.ts): the ALB stack of
// test/terraform/alb-rules (aws_lb, aws_lb_target_group, aws_lb_listener, aws_lb_listener_rule) applies,
// plans again with no changes, answers HTTP, and destroys leaving nothing. A missing read once broke every
// later plan and destroy (aws_lb reads DescribeCapacityReservation, aws_lb_listener
// DescribeListenerAttributes). Without Terraform or its provider mirror the test is skipped.
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getThroughListener, skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { eventually, freePort, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let workspace: TerraformWorkspace;
let port: number;

before(async () => {
  if (skip) return;
  wharf = await startWharf({ hostWide: true });
  port = await freePort();
  workspace = TerraformWorkspace.create('alb-rules', { endpoint: wharf.endpoint, credentials: wharf.credentials, vars: { listener_port: port } });
  await workspace.init();
});

after(async () => {
  await wharf?.stop();
});

test('an ALB stack applies, plans again with no changes, answers, and destroys', { skip, timeout: 900_000 }, async () => {
  await workspace.apply();
  const dnsName = (await workspace.outputs()).dns_name as string;
  assert.match(dnsName, /^tf-web-[0-9a-f]{16}\.us-east-1\.elb\.localhost$/);

  assert.equal(await workspace.planChanges(), undefined);

  const answer = await eventually(async () => {
    const reply = await getThroughListener(port, dnsName).catch(() => undefined);
    return reply?.status === 200 ? reply : undefined;
  }, 'the listener answering');
  assert.equal(answer.body, 'default');

  await workspace.destroy();
  assert.deepEqual(await workspace.stateList(), []);
  const elb = new ElasticLoadBalancingV2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  assert.deepEqual((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers, []);
  assert.deepEqual((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups, []);
});
