// Terraform's aws_launch_template, aws_autoscaling_group, aws_autoscaling_policy, aws_ecs_capacity_provider,
// aws_ecs_cluster_capacity_providers, an aws_ecs_service with a capacity_provider_strategy and an aws_instance
// against a real `wharf up`: test/terraform/capacity-providers applies (the instance joins the cluster its
// user data names), plans again with no changes, and destroys leaving no group, provider or instance. Skipped, saying why, where Terraform or its provider is missing.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeCapacityProvidersCommand, DescribeContainerInstancesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('capacity-providers', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('launch template, Auto Scaling group, capacity provider, cluster strategy and service apply, plan clean, and destroy', { skip, timeout: 900_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.match(String(outputs.group_arn), /^arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/fleet-hosts$/);
  assert.equal(outputs.capacity_provider_arn, 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/fleet-hosts');
  assert.match(String(outputs.cpu_policy_arn), /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/fleet-hosts:policyName\/fleet-cpu-50$/);
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const autoscaling = new AutoScalingClient(client);
  const [group] = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['fleet-hosts'] }))).AutoScalingGroups!;
  assert.equal(group!.LaunchTemplate!.LaunchTemplateName, 'fleet-hosts');
  assert.ok(group!.NewInstancesProtectedFromScaleIn);
  // The standalone instance's agent registers in the cluster its user data names, as that EC2 instance.
  const instanceId = String(outputs.standalone_instance_id);
  const arns = await eventually(async () => {
    const { containerInstanceArns = [] } = await wharf.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet' }));
    return containerInstanceArns.length ? containerInstanceArns : undefined;
  }, 'the instance registered in fleet');
  const { containerInstances } = await wharf.ecs().send(new DescribeContainerInstancesCommand({ cluster: 'fleet', containerInstances: arns }));
  assert.deepEqual(containerInstances!.map((c) => c.ec2InstanceId), [instanceId]);

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
  assert.deepEqual((await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups, []);
  const { capacityProviders } = await wharf.ecs().send(new DescribeCapacityProvidersCommand({}));
  assert.deepEqual(capacityProviders!.map((p) => p.name), ['FARGATE', 'FARGATE_SPOT']);
  const { Reservations = [] } = await new EC2Client(client).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  assert.equal(Reservations[0]?.Instances?.[0]?.State?.Name, 'terminated');
});
