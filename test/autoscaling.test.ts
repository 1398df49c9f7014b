// Application Auto Scaling closing the loop with real containers, the real server and real clients: a
// CPU-burning service (its load switched by a file on the host) scales out under target tracking and back
// in once the load stops; a step policy scales on a custom metric put with PutMetricData; a scheduled action
// changes capacity at its time. Wharf runs with 10-s scaling alarms and 2-s container samples.
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;
let scaling: ApplicationAutoScalingClient;
let cloudwatch: CloudWatchClient;
const flags = mkdtempSync(join(tmpdir(), 'wharf-load-'));
const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');

before(async () => {
  wharf = await startWharf({ args: ['--allowed-host-paths', flags], env: { WHARF_SCALING_HIGH_RESOLUTION: '1', WHARF_METRICS_INTERVAL: '2' } });
  ecs = wharf.ecs();
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  scaling = new ApplicationAutoScalingClient(client);
  cloudwatch = new CloudWatchClient(client);
});
after(async () => {
  await wharf?.stop();
  rmSync(flags, { recursive: true, force: true });
});

const target = (service: string) => ({ ServiceNamespace: 'ecs', ResourceId: `service/default/${service}`, ScalableDimension: 'ecs:service:DesiredCount' }) as const;

async function service(name: string, desiredCount: number, container: Record<string, unknown> = {}): Promise<void> {
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      // Task-level CPU caps each task at an eighth of a CPU: a burning task is at 100% and the host stays light.
      cpu: '128',
      memory: '64',
      containerDefinitions: [{ name: 'app', image: IMAGE, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"], ...container }],
      volumes: [{ name: 'flags', host: { sourcePath: flags } }],
    }),
  );
  await ecs.send(new CreateServiceCommand({ serviceName: name, taskDefinition: name, desiredCount }));
}

async function counts(name: string): Promise<{ desired: number; running: number }> {
  const { services: [s] = [] } = await ecs.send(new DescribeServicesCommand({ services: [name] }));
  return { desired: s!.desiredCount!, running: s!.runningCount! };
}

const when = (name: string, check: (c: { desired: number; running: number }) => boolean, what: string, timeoutMs = 60_000) =>
  eventually(async () => ((c) => (check(c) ? c : undefined))(await counts(name)), `${name}: ${what}`, timeoutMs);

/** Every page of the target's activities. */
async function activities(name: string): Promise<ScalingActivity[]> {
  const all: ScalingActivity[] = [];
  let NextToken: string | undefined;
  do {
    const page = await scaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: target(name).ResourceId, NextToken }));
    all.push(...(page.ScalingActivities ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

describe('service auto scaling', () => {
  test('target tracking on CPU scales a burning service out, then back in once the load stops', async () => {
    const flag = join(flags, 'burn');
    // Burns while the flag file exists, idles otherwise.
    await service('burner', 1, {
      command: ['sh', '-c', "trap 'exit 0' TERM; while :; do if [ -f /flags/burn ]; then :; else sleep 1; fi; done"],
      mountPoints: [{ sourceVolume: 'flags', containerPath: '/flags' }],
    });
    await when('burner', (c) => c.running === 1, 'one task running');
    await scaling.send(new RegisterScalableTargetCommand({ ...target('burner'), MinCapacity: 1, MaxCapacity: 2 }));
    const policy = await scaling.send(
      new PutScalingPolicyCommand({
        ...target('burner'),
        PolicyName: 'cpu50',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          ScaleOutCooldown: 5,
          ScaleInCooldown: 5,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      }),
    );
    assert.equal(policy.Alarms!.length, 2);
    const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-service/default/burner-' }));
    assert.deepEqual(MetricAlarms.map((a) => [a.MetricName, a.Period, a.ComparisonOperator]).sort(), [
      ['CPUUtilization', 10, 'GreaterThanThreshold'],
      ['CPUUtilization', 10, 'LessThanThreshold'],
    ]);

    writeFileSync(flag, '');
    // 100% of the reservation against a target of 50: twice the tasks, within MaxCapacity.
    await when('burner', (c) => c.desired === 2 && c.running === 2, 'scaled out to 2', 120_000);
    const out = (await activities('burner')).find((a) => a.StatusCode === 'Successful' && /AlarmHigh/.test(a.Cause!));
    assert.equal(out!.Description, 'Setting desired count to 2.');
    assert.equal(out!.StatusMessage, 'Successfully set desired count to 2. Change successfully fulfilled by ecs.');
    assert.match(out!.Cause!, /^monitor alarm TargetTracking-service\/default\/burner-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy cpu50$/);

    unlinkSync(flag);
    await when('burner', (c) => c.desired === 1, 'scaled back in to 1', 120_000);
    // The activity turns Successful once ECS has taken the change, a moment after the desired count moved.
    const scaledIn = (a: { Cause?: string; StatusMessage?: string }) => /AlarmLow/.test(a.Cause!) && a.StatusMessage === 'Successfully set desired count to 1. Change successfully fulfilled by ecs.';
    await eventually(async () => ((await activities('burner')).some(scaledIn) ? true : undefined), 'the scale-in activity');

    await scaling.send(new DeleteScalingPolicyCommand({ ...target('burner'), PolicyName: 'cpu50' }));
    const left = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-service/default/burner-' }));
    assert.deepEqual(left.MetricAlarms, []);
  });

  test('step scaling on a custom metric put with PutMetricData', async () => {
    await service('worker', 1);
    await scaling.send(new RegisterScalableTargetCommand({ ...target('worker'), MinCapacity: 1, MaxCapacity: 5 }));
    const { PolicyARN } = await scaling.send(
      new PutScalingPolicyCommand({
        ...target('worker'),
        PolicyName: 'queue-depth',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 60,
          MetricAggregationType: 'Maximum',
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 50, ScalingAdjustment: 2 },
          ],
        },
      }),
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'queue-deep',
        Namespace: 'Jobs',
        MetricName: 'QueueDepth',
        Dimensions: [{ Name: 'Queue', Value: 'orders' }],
        Statistic: 'Maximum',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 100,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [PolicyARN!],
      }),
    );
    // 180 is 80 over the threshold: the second step, two more tasks.
    const put = () => cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Jobs', MetricData: [{ MetricName: 'QueueDepth', Dimensions: [{ Name: 'Queue', Value: 'orders' }], Value: 180, StorageResolution: 1 }] }));
    await put();
    await eventually(async () => (await put(), ((c) => (c.desired === 3 ? c : undefined))(await counts('worker'))), 'worker scaled to 3 by the second step', 60_000);
    await when('worker', (c) => c.running === 3, 'three tasks running');
    // The cooldown holds it there while the alarm stays in ALARM.
    assert.equal((await counts('worker')).desired, 3);
  });

  test('a scheduled action changes capacity at its time; the CLI sees the target', async () => {
    await service('nightly', 1);
    await scaling.send(new RegisterScalableTargetCommand({ ...target('nightly'), MinCapacity: 1, MaxCapacity: 2 }));
    const at = new Date(Date.now() + 4_000).toISOString().slice(0, 19);
    await scaling.send(new PutScheduledActionCommand({ ...target('nightly'), ScheduledActionName: 'rush', Schedule: `at(${at})`, ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 } }));
    assert.equal((await counts('nightly')).desired, 1);
    await when('nightly', (c) => c.desired === 2 && c.running === 2, 'two tasks at the scheduled time', 60_000);
    const history = await activities('nightly');
    assert.ok(history.some((a) => a.Cause === 'scheduled action name rush was triggered' && a.StatusMessage === 'Successfully set min capacity to 2 and max capacity to 4'));
    assert.ok(history.some((a) => a.Cause === 'minimum capacity was set to 2' && a.Description === 'Setting desired count to 2.'));

    const listed = aws('application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs', '--resource-ids', 'service/default/nightly');
    assert.equal(listed.ScalableTargets[0].MinCapacity, 2);
    assert.equal(listed.ScalableTargets[0].MaxCapacity, 4);
    assert.match(listed.ScalableTargets[0].RoleARN, /AWSServiceRoleForApplicationAutoScaling_ECSService$/);
    await scaling.send(new DeregisterScalableTargetCommand(target('nightly')));
    assert.deepEqual((await scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ['service/default/nightly'] }))).ScalableTargets, []);
  });

  test('bad input: AWS errors', async () => {
    await assert.rejects(scaling.send(new RegisterScalableTargetCommand({ ...target('missing'), MinCapacity: 1, MaxCapacity: 2 })), { name: 'ValidationException' });
    await assert.rejects(scaling.send(new PutScalingPolicyCommand({ ...target('missing'), PolicyName: 'p', PolicyType: 'StepScaling', StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] } })), { name: 'ObjectNotFoundException' });
    await assert.rejects(scaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: 'service/default/x', ScalableDimension: 'nope' as never })), { name: 'ValidationException' });
  });
});
