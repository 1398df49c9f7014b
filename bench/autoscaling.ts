// Scaling reaction: a service under target tracking on average CPU, from the moment its one task starts
// burning CPU to the first new task RUNNING. Wharf runs with 10-s scaling alarms and 2-s container samples
// (docs/autoscaling.md); goal under 30 s. The peer is AWS's documented path: ECS sends 1-minute metrics and
// the target-tracking AlarmHigh needs 3 of 3 one-minute datapoints, so it alarms no sooner than 3 minutes
// after the load starts, before the new task is even placed.
import { ApplicationAutoScalingClient, PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../test/wharf-process.js';
import { benchWharf, benchmark, table, tempDir } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

export async function autoscalingBenchmark(): Promise<ReadmeRow[]> {
  const flags = tempDir('wharf-bench-load-');
  const wharf = await benchWharf({ args: ['--allowed-host-paths', flags], env: { WHARF_LOG_LEVEL: 'warn', WHARF_SCALING_HIGH_RESOLUTION: '1', WHARF_METRICS_INTERVAL: '2' } });
  const ecs = wharf.ecs();
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const scaling = new ApplicationAutoScalingClient(client);
  const cloudwatch = new CloudWatchClient(client);
  try {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'burner',
      cpu: '128',
      memory: '64',
      containerDefinitions: [{
        name: 'app',
        image: 'wharf-test/busybox:latest',
        command: ['sh', '-c', "trap 'exit 0' TERM; while :; do if [ -f /flags/burn ]; then :; else sleep 0.2; fi; done"],
        mountPoints: [{ sourceVolume: 'flags', containerPath: '/flags' }],
      }],
      volumes: [{ name: 'flags', host: { sourcePath: flags } }],
    }));
    await ecs.send(new CreateServiceCommand({ serviceName: 'burner', taskDefinition: 'burner', desiredCount: 1 }));
    const running = async () => (await ecs.send(new DescribeServicesCommand({ services: ['burner'] }))).services![0]!.runningCount!;
    await eventually(async () => ((await running()) === 1 ? true : undefined), 'one task running', 60_000);
    const target = { ServiceNamespace: 'ecs', ResourceId: 'service/default/burner', ScalableDimension: 'ecs:service:DesiredCount' } as const;
    await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 2 }));
    const { Alarms = [] } = await scaling.send(new PutScalingPolicyCommand({
      ...target,
      PolicyName: 'cpu50',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, ScaleOutCooldown: 30, ScaleInCooldown: 300, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    }));
    const high = Alarms.find((a) => a.AlarmName!.includes('-AlarmHigh-'))!.AlarmName!;
    // Idle first: the high alarm has seen the service's metric below target.
    await eventually(async () => {
      const { MetricAlarms: [alarm] = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [high] }));
      return alarm?.StateValue === 'OK' ? true : undefined;
    }, 'AlarmHigh OK while idle', 120_000);

    const t0 = performance.now();
    writeFileSync(join(flags, 'burn'), '');
    let alarmed = 0;
    await eventually(async () => {
      if (!alarmed) {
        const { MetricAlarms: [alarm] = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [high] }));
        if (alarm?.StateValue === 'ALARM') alarmed = performance.now() - t0;
      }
      return (await running()) >= 2 ? true : undefined;
    }, 'a second task running', 180_000);
    const total = (performance.now() - t0) / 1000;
    console.log('\nAuto scaling: load onset -> first new task RUNNING (target tracking on CPU, 10-s alarms)');
    table([
      { measure: 'load onset -> AlarmHigh in ALARM', value: alarmed ? `${(alarmed / 1000).toFixed(1)} s` : 'n/a', peer: 'AWS: >= 180 s (3 of 3 one-minute datapoints)' },
      { measure: 'load onset -> new task RUNNING', value: `${total.toFixed(1)} s`, peer: 'AWS: > 180 s, goal < 30 s' },
    ]);
    return [{
      benchmark: 'auto scaling (target tracking on CPU, 10-s alarms), load onset -> AlarmHigh in ALARM / new task RUNNING',
      wharf: `${alarmed ? fmt.s(alarmed / 1000) : 'n/a'} / ${fmt.s(total)}`,
      peer: 'AWS: >= 180 s (3 of 3 one-minute datapoints)',
      ratio: '',
      goal: '< 30 s to RUNNING',
    }];
  } finally {
    rmSync(join(flags, 'burn'), { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(autoscalingBenchmark);
