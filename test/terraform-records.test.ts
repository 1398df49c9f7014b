// The Terraform stacks that only make records (test/terraform/records/: IAM, CloudWatch Logs, DynamoDB, ECR,
// EventBridge, Scheduler, EFS, service auto scaling, VPC, capacity providers) applied as one root with the
// machine's Terraform and AWS provider against one `wharf up`, as a user would (test/terraform-harness.ts):
// only `endpoints` point at Wharf, with no skip_credentials_validation, so the provider's own start-up calls
// (sts:GetCallerIdentity) must work. `apply`; each stack's outputs and records are checked with the SDKs;
// `plan -detailed-exitcode` shows no changes; `destroy` leaves an empty state and each stack's records gone.
// One root rather than a suite per stack: the provider's start-up for each command is most of a stack's cost.
// Without Terraform or its provider mirror the suite skips.
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeAddressesCommand, DescribeInstancesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeCapacityProvidersCommand, DescribeContainerInstancesCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { ListScheduleGroupsCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

type Outputs = Record<string, unknown>;

interface Stack {
  /** The module's folder under test/terraform/records/. */
  name: string;
  /** What the apply made: the stack's outputs and its records, read back. */
  applied: string;
  checkApplied(outputs: Outputs, wharf: WharfProcess): Promise<void>;
  /** What the destroy removed, beyond the state (which is checked empty for all stacks). */
  destroyed?: string;
  checkDestroyed?(outputs: Outputs, wharf: WharfProcess): Promise<void>;
}

function config(wharf: WharfProcess) {
  return { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
}

/** Runs `use` with a client of `wharf`, then lets the client go. */
async function using<C extends { destroy(): void }>(client: C, use: (client: C) => Promise<void>): Promise<void> {
  try {
    await use(client);
  } finally {
    client.destroy();
  }
}

const STACKS: Stack[] = [
  {
    name: 'iam',
    applied: 'a task role, managed policies, an instance profile and an access key, under the caller account',
    async checkApplied(outputs) {
      assert.equal(outputs.account, '000000000000');
      assert.equal(outputs.role_arn, 'arn:aws:iam::000000000000:role/ecs/app-task');
      assert.match(String(outputs.key_id), /^AKIA[A-Z0-9]{16}$/);
    },
  },
  {
    name: 'logs',
    applied: 'log groups with retention and tags',
    checkApplied: (outputs, wharf) =>
      using(new CloudWatchLogsClient(config(wharf)), async (logs) => {
        assert.equal(outputs.app_arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/app');
        assert.match(String(outputs.sidecar_name), /^\/ecs\/sidecar-\w+$/);
        const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
        assert.deepEqual(logGroups.map((g) => [g.logGroupName, g.retentionInDays]), [['/ecs/app', 14], [outputs.sidecar_name, undefined]]);
        const { tags } = await logs.send(new ListTagsForResourceCommand({ resourceArn: String(outputs.app_arn) }));
        assert.deepEqual(tags, { team: 'wharf', env: 'test' });
      }),
    destroyed: 'no log group',
    checkDestroyed: (_outputs, wharf) =>
      using(new CloudWatchLogsClient(config(wharf)), async (logs) => {
        assert.deepEqual((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }))).logGroups, []);
      }),
  },
  {
    name: 'dynamodb',
    applied: 'tables with keys, indexes, TTL and a stream, and an item',
    checkApplied: (outputs, wharf) =>
      using(new DynamoDBClient(config(wharf)), async (db) => {
        assert.equal(outputs.orders_arn, 'arn:aws:dynamodb:us-east-1:000000000000:table/tf-orders');
        assert.match(String(outputs.stream_arn), /^arn:aws:dynamodb:us-east-1:000000000000:table\/tf-orders\/stream\//);
        const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: 'tf-orders' }));
        assert.equal(ttl.TimeToLiveDescription?.AttributeName, 'expires_at');
      }),
    destroyed: 'no table',
    checkDestroyed: (_outputs, wharf) =>
      using(new DynamoDBClient(config(wharf)), async (db) => {
        assert.deepEqual((await db.send(new ListTablesCommand({}))).TableNames, []);
      }),
  },
  {
    name: 'ecr',
    applied: 'a repository with lifecycle and repository policies',
    async checkApplied(outputs) {
      assert.equal(outputs.repository_url, '000000000000.dkr.ecr.us-east-1.amazonaws.com/terraform/app');
      assert.equal(outputs.registry_id, '000000000000');
    },
  },
  {
    name: 'events',
    applied: 'EventBridge rules with ECS targets, on the default and a custom bus',
    async checkApplied(outputs) {
      assert.equal(outputs.hourly_rule_arn, 'arn:aws:events:us-east-1:000000000000:rule/hourly-batch');
      assert.equal(outputs.csv_rule_arn, 'arn:aws:events:us-east-1:000000000000:rule/uploads/csv-uploaded');
    },
    destroyed: 'no rule',
    checkDestroyed: (_outputs, wharf) =>
      using(new EventBridgeClient(config(wharf)), async (events) => {
        assert.deepEqual((await events.send(new ListRulesCommand({}))).Rules, []);
      }),
  },
  {
    name: 'scheduler',
    applied: 'a schedule group and schedules with ECS parameters',
    async checkApplied(outputs) {
      assert.equal(outputs.hourly_schedule_arn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/reports/hourly-batch');
      assert.equal(outputs.once_schedule_arn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/once');
      assert.equal(outputs.group_arn, 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/reports');
    },
    destroyed: 'no schedule, only the default group',
    checkDestroyed: (_outputs, wharf) =>
      using(new SchedulerClient(config(wharf)), async (scheduler) => {
        assert.deepEqual((await scheduler.send(new ListSchedulesCommand({}))).Schedules, []);
        assert.deepEqual((await scheduler.send(new ListScheduleGroupsCommand({}))).ScheduleGroups!.map((g) => g.Name), ['default']);
      }),
  },
  {
    name: 'efs',
    applied: "a file system, mount targets, an access point whose root directory is made, and a policy",
    async checkApplied(outputs, wharf) {
      const fileSystemId = String(outputs.file_system_id);
      assert.match(fileSystemId, /^fs-[0-9a-f]{17}$/);
      assert.equal(outputs.dns_name, `${fileSystemId}.efs.us-east-1.amazonaws.com`);
      assert.equal((outputs.mount_target_ips as string[]).length, 2);
      assert.match(String(outputs.access_point_arn), /^arn:aws:elasticfilesystem:us-east-1:\d{12}:access-point\/fsap-[0-9a-f]{17}$/);
      assert.ok(existsSync(join(wharf.dataDir, 'efs', fileSystemId, 'app')), "the access point's root directory");
    },
    destroyed: "the file system's directory removed",
    async checkDestroyed(outputs, wharf) {
      assert.equal(existsSync(join(wharf.dataDir, 'efs', String(outputs.file_system_id))), false);
    },
  },
  {
    name: 'autoscaling',
    applied: 'a scalable target, target tracking with its alarms, step scaling and scheduled actions',
    async checkApplied(outputs) {
      assert.match(String(outputs.target_arn), /^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target\/[0-9a-f]+$/);
      assert.match(String(outputs.cpu_policy_arn), /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/scaled\/web:policyName\/cpu-target-60$/);
      const alarms = outputs.cpu_alarms as string[];
      assert.equal(alarms.length, 2);
      assert.ok(alarms.every((arn) => /^arn:aws:cloudwatch:us-east-1:000000000000:alarm:TargetTracking-service\/scaled\/web-Alarm(High|Low)-/.test(arn)));
    },
    destroyed: 'no scalable target, no alarm',
    async checkDestroyed(_outputs, wharf) {
      await using(new ApplicationAutoScalingClient(config(wharf)), async (scaling) => {
        assert.deepEqual((await scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets, []);
      });
      await using(new CloudWatchClient(config(wharf)), async (cloudwatch) => {
        assert.deepEqual((await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms, []);
      });
    },
  },
  {
    name: 'vpc',
    applied: 'a VPC with subnets, gateways, route tables, endpoints and security groups; the default VPC read',
    checkApplied: (outputs, wharf) =>
      using(new EC2Client(config(wharf)), async (ec2) => {
        assert.match(String(outputs.default_vpc), /^vpc-[0-9a-f]{17}$/);
        assert.equal(outputs.default_subnets, 3);
        assert.equal(outputs.s3_prefix_list, 'com.amazonaws.us-east-1.s3');
        assert.match(String(outputs.nat_public_ip), /^198\.51\.100\.\d+$/);
        const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['app'] }] }));
        assert.deepEqual(Vpcs.map((v) => [v.VpcId, v.CidrBlock]), [[outputs.vpc, '10.20.0.0/16']]);
      }),
    destroyed: 'only the default VPC, no Elastic IP',
    checkDestroyed: (_outputs, wharf) =>
      using(new EC2Client(config(wharf)), async (ec2) => {
        assert.deepEqual((await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.map((v) => v.IsDefault), [true], 'only the default VPC is left');
        assert.deepEqual((await ec2.send(new DescribeAddressesCommand({}))).Addresses, []);
      }),
  },
  {
    name: 'capacity-providers',
    applied: 'an Auto Scaling group from a launch template, a capacity provider, and an instance that joins the cluster its user data names',
    async checkApplied(outputs, wharf) {
      assert.match(String(outputs.group_arn), /^arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/fleet-hosts$/);
      assert.equal(outputs.capacity_provider_arn, 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/fleet-hosts');
      assert.match(String(outputs.cpu_policy_arn), /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/fleet-hosts:policyName\/fleet-cpu-50$/);
      await using(new AutoScalingClient(config(wharf)), async (autoscaling) => {
        const [group] = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['fleet-hosts'] }))).AutoScalingGroups!;
        assert.equal(group!.LaunchTemplate!.LaunchTemplateName, 'fleet-hosts');
        assert.ok(group!.NewInstancesProtectedFromScaleIn);
      });
      // The standalone instance's agent registers in the cluster its user data names, as that EC2 instance.
      const arns = await eventually(async () => {
        const { containerInstanceArns = [] } = await wharf.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet' }));
        return containerInstanceArns.length ? containerInstanceArns : undefined;
      }, 'the instance registered in fleet');
      const { containerInstances } = await wharf.ecs().send(new DescribeContainerInstancesCommand({ cluster: 'fleet', containerInstances: arns }));
      assert.deepEqual(containerInstances!.map((c) => c.ec2InstanceId), [outputs.standalone_instance_id]);
    },
    destroyed: 'no group, no capacity provider of its own, the instance terminated',
    async checkDestroyed(outputs, wharf) {
      await using(new AutoScalingClient(config(wharf)), async (autoscaling) => {
        assert.deepEqual((await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups, []);
      });
      const { capacityProviders } = await wharf.ecs().send(new DescribeCapacityProvidersCommand({}));
      assert.deepEqual(capacityProviders!.map((p) => p.name), ['FARGATE', 'FARGATE_SPOT']);
      await using(new EC2Client(config(wharf)), async (ec2) => {
        const { Reservations = [] } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [String(outputs.standalone_instance_id)] }));
        assert.equal(Reservations[0]?.Instances?.[0]?.State?.Name, 'terminated');
      });
    },
  },
];

describe('Terraform record stacks', { skip, timeout: 900_000 }, () => {
  let wharf: WharfProcess;
  let workspace: TerraformWorkspace;
  let outputs: Record<string, Outputs> | undefined;

  before(async () => {
    wharf = await startWharf();
    workspace = TerraformWorkspace.create('records', { endpoint: wharf.endpoint, credentials: wharf.credentials });
    await workspace.init();
  });

  // Whatever failed, what was applied is destroyed (the capacity provider stack's instance runs an agent).
  after(async () => {
    await workspace?.close();
    await wharf?.stop();
  });

  test('apply', async () => {
    await workspace.apply();
    // Read now: after the destroy the state holds no outputs, and the destroy checks need some.
    outputs = ((await workspace.outputs()) as { stacks: Record<string, Outputs> }).stacks;
  });

  for (const stack of STACKS) {
    test(`${stack.name}: ${stack.applied}`, async (t) => {
      if (!outputs) return t.skip('the stacks did not apply');
      await stack.checkApplied(outputs[stack.name]!, wharf);
    });
  }

  test('plan -detailed-exitcode shows no changes', async (t) => {
    if (!outputs) return t.skip('the stacks did not apply');
    assert.equal(await workspace.planChanges(), undefined, 'the plan shows changes');
  });

  test('destroy leaves an empty state', async () => {
    await workspace.destroy();
    assert.deepEqual(await workspace.stateList(), []);
  });

  for (const stack of STACKS) {
    if (!stack.checkDestroyed) continue;
    test(`${stack.name}: destroy leaves ${stack.destroyed}`, async (t) => {
      if (!workspace.destroyed || !outputs) return t.skip('the stacks were not applied and destroyed');
      await stack.checkDestroyed!(outputs[stack.name]!, wharf);
    });
  }
});
