// The Terraform acceptance suite: the stacks in test/terraform/ecs/ (ECS on EC2 and on Fargate, behind an ALB
// with a listener rule and an NLB, in the default VPC and in a VPC Terraform makes) applied as one root with
// the machine's Terraform and AWS provider against one `wharf up`, as a user would (test/terraform-harness.ts):
// `apply`; an HTTP GET through each listener reaches a task; `plan -detailed-exitcode` shows no changes;
// `destroy` leaves nothing, checked with the SDKs (clusters, services, task definitions, load balancers,
// target groups, VPCs, subnets, security groups). Without Terraform or its provider mirror the suite skips.
import { EC2Client, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { ListClustersCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getThroughListener, skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { eventually, freePort, startWharf, type WharfProcess } from './wharf-process.js';

interface Stack {
  /** The module's folder under test/terraform/ecs/. */
  name: string;
  /** What the stack's web task answers on /. */
  body: string;
  /** A path a listener rule answers itself, and its answer. */
  rule?: { path: string; body: string };
}

const STACKS: Stack[] = [
  { name: 'ec2-alb-default-vpc', body: 'web-ec2', rule: { path: '/rule/x', body: 'rule' } },
  { name: 'fargate-nlb-default-vpc', body: 'app-fargate' },
  { name: 'fargate-alb-vpc', body: 'shop' },
];

/** What a fresh Wharf holds before any stack: the cluster `default` and the default VPC's records. */
async function inventory(wharf: WharfProcess) {
  const clientConfig = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const ecs = wharf.ecs();
  const elb = new ElasticLoadBalancingV2Client(clientConfig);
  const ec2 = new EC2Client(clientConfig);
  const { clusterArns = [] } = await ecs.send(new ListClustersCommand({}));
  const services = await Promise.all(clusterArns.map((cluster) => ecs.send(new ListServicesCommand({ cluster }))));
  const { taskDefinitionArns = [] } = await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }));
  const { LoadBalancers = [] } = await elb.send(new DescribeLoadBalancersCommand({}));
  const { TargetGroups = [] } = await elb.send(new DescribeTargetGroupsCommand({}));
  const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({}));
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
  const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  return {
    clusters: clusterArns.sort(),
    services: services.flatMap(({ serviceArns = [] }) => serviceArns).sort(),
    taskDefinitions: taskDefinitionArns.sort(),
    loadBalancers: LoadBalancers.map((lb) => lb.LoadBalancerArn).sort(),
    targetGroups: TargetGroups.map((group) => group.TargetGroupArn).sort(),
    vpcs: Vpcs.map((vpc) => vpc.VpcId).sort(),
    subnets: Subnets.map((subnet) => subnet.SubnetId).sort(),
    securityGroups: SecurityGroups.map((group) => group.GroupId).sort(),
  };
}

describe('Terraform ECS stacks', { skip, timeout: 900_000 }, () => {
  let wharf: WharfProcess;
  let workspace: TerraformWorkspace;
  let before_: Awaited<ReturnType<typeof inventory>>;
  let applied = false;

  before(async () => {
    wharf = await startWharf();
    before_ = await inventory(wharf);
    workspace = TerraformWorkspace.create('ecs', {
      endpoint: wharf.endpoint,
      credentials: wharf.credentials,
      // Listeners bind their port on the host: ones no other test holds.
      vars: { ec2_alb_port: await freePort(), fargate_nlb_port: await freePort(), fargate_alb_port: await freePort() },
    });
    await workspace.init();
  });

  // Whatever failed, what was applied is destroyed (its tasks are real containers), then Wharf drained.
  after(async () => {
    await workspace?.close();
    await wharf?.stop();
  });

  test('apply', async () => {
    await workspace.apply();
    applied = true;
  });

  for (const stack of STACKS) {
    test(`${stack.name}: an HTTP GET through the listener reaches a task`, async (t) => {
      if (!applied) return t.skip('the stacks did not apply');
      const { listeners } = (await workspace.outputs()) as { listeners: Record<string, { dns_name: string; port: number }> };
      const { dns_name, port } = listeners[stack.name];
      const reply = await eventually(
        () => getThroughListener(port, dns_name).then((r) => (r.status === 200 ? r : undefined), () => undefined),
        `${dns_name}:${port} to answer 200`,
        120_000,
      );
      assert.equal(reply.body, stack.body);
      if (stack.rule) assert.deepEqual(await getThroughListener(port, dns_name, stack.rule.path), { status: 200, body: stack.rule.body });
    });
  }

  test('plan -detailed-exitcode shows no changes', async (t) => {
    if (!applied) return t.skip('the stacks did not apply');
    assert.equal(await workspace.planChanges(), undefined, 'the plan shows changes');
  });

  test('destroy leaves nothing', async () => {
    await workspace.destroy();
    assert.deepEqual(await workspace.stateList(), []);
    assert.deepEqual(await inventory(wharf), before_);
  });
});
