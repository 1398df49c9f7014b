// CloudWatch end to end against a real `wharf up`: @aws-sdk/client-cloudwatch over rpc-v2-cbor (the SDK's own
// protocol) and awsJson, the aws CLI (awsJson with awsQueryCompatible), boto3; datapoints in and statistics,
// percentiles and metric math out; AWS's errors with nothing stored half; alarms evaluated on real time
// (10-s periods), composite alarms, history; and GET /metrics read by a Prometheus parser.
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  ListTagsForResourceCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  TagResourceCommand,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import parsePrometheus from 'parse-prometheus-text-format';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let cw: CloudWatchClient;
let json: CloudWatchClient;
const run = promisify(execFile);
const aws = async (...args: string[]) => {
  const { stdout } = await run('aws', ['cloudwatch', ...args, '--output', 'json'], { env: wharf.env });
  return stdout.trim() ? JSON.parse(stdout) : {};
};
const awsFails = (...args: string[]) => run('aws', ['cloudwatch', ...args], { env: wharf.env }).then(() => assert.fail('the call succeeded'), (e: { stderr: string }) => e.stderr);

async function failure(promise: Promise<unknown>): Promise<Error & { Code?: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('the call succeeded');
}

before(async () => {
  wharf = await startWharf();
  const options = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 };
  // The SDK (3.1178) gzips large PutMetricData bodies but, over CBOR, sends the uncompressed Content-Length:
  // the request never completes. Its CBOR client here sends them uncompressed; the JSON one compresses.
  cw = new CloudWatchClient({ ...options, protocol: AwsSmithyRpcV2CborProtocol, disableRequestCompression: true });
  json = new CloudWatchClient(options);
});
after(async () => {
  cw?.destroy();
  json?.destroy();
  await wharf?.stop();
});

const minuteAgo = () => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);

describe('CloudWatch metrics', () => {
  test('values with counts, single values and statistic sets come back as statistics and percentiles', async () => {
    const at = minuteAgo();
    const Dimensions = [{ Name: 'Service', Value: 'checkout' }];
    await cw.send(new PutMetricDataCommand({
      Namespace: 'Shop',
      MetricData: [
        { MetricName: 'Latency', Dimensions, Timestamp: at, Values: [10, 20, 30, 100], Counts: [50, 30, 19, 1], Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions, Timestamp: new Date(at.getTime() + 5_000), Value: 20, Unit: 'Milliseconds' },
        { MetricName: 'Orders', Dimensions, Timestamp: at, StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 }, Unit: 'Count' },
      ],
    }));
    const stats = await cw.send(new GetMetricStatisticsCommand({
      Namespace: 'Shop', MetricName: 'Latency', Dimensions, StartTime: new Date(at.getTime() - 60_000), EndTime: new Date(), Period: 60,
      Statistics: ['SampleCount', 'Average', 'Maximum'], ExtendedStatistics: ['p50', 'p90', 'p99'],
    }));
    assert.equal(stats.Label, 'Latency');
    assert.deepEqual(stats.Datapoints, [{
      Timestamp: at, SampleCount: 101, Average: (500 + 600 + 570 + 100 + 20) / 101, Maximum: 100, Unit: 'Milliseconds',
      ExtendedStatistics: { p50: 20, p90: 30, p99: 30 },
    }]);
    // Over awsJson too, and a statistic set's percentiles are unknown.
    const orders = await json.send(new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: 'Orders', Dimensions, StartTime: at, EndTime: new Date(), Period: 60, Statistics: ['Sum'], ExtendedStatistics: ['p50'] }));
    assert.deepEqual(orders.Datapoints, [{ Timestamp: at, Sum: 10, Unit: 'Count', ExtendedStatistics: {} }]);
    const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Shop' }));
    assert.deepEqual(listed.Metrics?.map((m) => m.MetricName).sort(), ['Latency', 'Orders']);
    assert.deepEqual((await cw.send(new ListMetricsCommand({ Dimensions: [{ Name: 'Service', Value: 'none' }] }))).Metrics, []);
  });

  test('refuses what CloudWatch refuses, and stores nothing of a refused call', async () => {
    const at = minuteAgo();
    const good: MetricDatum = { MetricName: 'Refused', Timestamp: at, Value: 1 };
    const cases: [MetricDatum[], string, string?][] = [
      [[good, { MetricName: 'Refused', Timestamp: new Date(Date.now() - 15 * 86_400_000), Value: 1 }], 'InvalidParameterValue', 'two weeks'],
      [[good, { MetricName: 'Refused', Timestamp: new Date(Date.now() + 3 * 3_600_000), Value: 1 }], 'InvalidParameterValue', 'two hours'],
      [[good, { MetricName: 'Refused', Value: 1, Values: [1] }], 'InvalidParameterCombination'],
      [[good, { MetricName: 'Refused', Values: [1, 2], Counts: [1] }], 'InvalidParameterValue'],
      [[good, { MetricName: 'Refused', Value: 1, Dimensions: [{ Name: 'a', Value: '1' }, { Name: 'a', Value: '2' }] }], 'InvalidParameterValue'],
      [[good, { MetricName: 'Refused', Value: 1, StorageResolution: 5 }], 'InvalidParameterValue'],
      [[good, { MetricName: 'Refused', Value: 1, Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'x' })) }], 'ValidationError'],
      [Array.from({ length: 1001 }, () => good), 'InvalidParameterValue', 'greater than 1000'],
    ];
    for (const [MetricData, code, words] of cases) {
      const error = await failure(cw.send(new PutMetricDataCommand({ Namespace: 'Refusals', MetricData })));
      assert.equal(error.Code, code, `${code}: ${error.message}`);
      assert.equal(error.$metadata.httpStatusCode, 400);
      if (words) assert.match(error.message, new RegExp(words));
    }
    assert.equal((await failure(cw.send(new PutMetricDataCommand({ Namespace: 'AWS/ECS', MetricData: [good] })))).Code, 'InvalidParameterValue');
    // A large call goes gzipped (Content-Encoding: gzip) over awsJson.
    await json.send(new PutMetricDataCommand({ Namespace: 'Gzipped', MetricData: Array.from({ length: 1000 }, (_, i) => ({ MetricName: 'Many', Timestamp: at, Value: i })) }));
    const many = await json.send(new GetMetricStatisticsCommand({ Namespace: 'Gzipped', MetricName: 'Many', StartTime: at, EndTime: new Date(), Period: 60, Statistics: ['SampleCount', 'Sum'] }));
    assert.deepEqual(many.Datapoints!.map((d) => [d.SampleCount, d.Sum]), [[1000, 499_500]]);
    assert.deepEqual((await cw.send(new ListMetricsCommand({ Namespace: 'Refusals' }))).Metrics, []);
    const tooMany = await failure(cw.send(new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: 'Latency', StartTime: new Date(Date.now() - 2 * 86_400_000), EndTime: new Date(), Period: 60, Statistics: ['Sum'] })));
    assert.equal(tooMany.Code, 'InvalidParameterCombination');
    assert.match(tooMany.message, /exceeds the limit of 1,440/);
    const badMath = await failure(cw.send(new GetMetricDataCommand({ StartTime: new Date(Date.now() - 3_600_000), EndTime: new Date(), MetricDataQueries: [{ Id: 'e1', Expression: 'SUM(m9' }] })));
    assert.equal(badMath.Code, 'ValidationError');
  });

  test('GetMetricData: metrics, metric math, SEARCH, newest first, paginated', async () => {
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const MetricData: MetricDatum[] = [];
    for (let i = 0; i < 5; i++) {
      for (const host of ['a', 'b']) MetricData.push({ MetricName: 'Requests', Dimensions: [{ Name: 'Host', Value: host }], Timestamp: new Date(base + i * 60_000), Value: host === 'a' ? i : 10 * i });
    }
    await cw.send(new PutMetricDataCommand({ Namespace: 'Web', MetricData }));
    const metric = (host: string) => ({ Namespace: 'Web', MetricName: 'Requests', Dimensions: [{ Name: 'Host', Value: host }] });
    const queries = [
      { Id: 'a', MetricStat: { Metric: metric('a'), Period: 60, Stat: 'Sum' }, ReturnData: false },
      { Id: 'b', MetricStat: { Metric: metric('b'), Period: 60, Stat: 'Sum' }, ReturnData: false },
      { Id: 'total', Expression: 'a + b', Label: 'Total' },
      { Id: 'share', Expression: 'FILL(100 * a / (a + b), 0)' },
      { Id: 'found', Expression: "SUM(SEARCH('{Web,Host} MetricName=\"Requests\"', 'Sum', 60))" },
    ];
    const window = { StartTime: new Date(base), EndTime: new Date(base + 5 * 60_000) };
    const data = await cw.send(new GetMetricDataCommand({ ...window, MetricDataQueries: queries }));
    const byId = Object.fromEntries(data.MetricDataResults!.map((r) => [r.Id, r]));
    assert.equal(byId.total!.Label, 'Total');
    assert.deepEqual(byId.total!.Values, [44, 33, 22, 11, 0]);
    assert.deepEqual(byId.total!.Timestamps![0], new Date(base + 4 * 60_000));
    assert.deepEqual(byId.found!.Values, [44, 33, 22, 11, 0]);
    assert.deepEqual(byId.share!.Values!.slice(0, 2), [100 / 11, 100 / 11]);
    assert.equal(byId.a, undefined, 'ReturnData false');
    // Three values a page: the pages together are the whole answer, oldest first when asked.
    const values: number[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cw.send(new GetMetricDataCommand({ ...window, MetricDataQueries: queries.slice(0, 3), ScanBy: 'TimestampAscending', MaxDatapoints: 3, NextToken }));
      values.push(...page.MetricDataResults!.flatMap((r) => r.Values!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(values, [0, 11, 22, 33, 44]);
  });

  test('GET /metrics: the latest datapoints, read by a Prometheus parser', async () => {
    await cw.send(new PutMetricDataCommand({ Namespace: 'Prom', MetricData: [{ MetricName: 'QueueDepth', Dimensions: [{ Name: 'QueueName', Value: 'jobs "fast"' }], Value: 7 }] }));
    const response = await fetch(`${wharf.endpoint}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/plain; version=0.0.4/);
    const families = parsePrometheus(await response.text());
    const depth = families.find((f) => f.name === 'prom_queue_depth_average')!;
    assert.equal(depth.type, 'GAUGE');
    assert.deepEqual(depth.metrics, [{ value: '7', labels: { queue_name: 'jobs "fast"', region: 'us-east-1' }, timestamp_ms: depth.metrics[0]!.timestamp_ms }]);
  });
});

describe('CloudWatch alarms', () => {
  test('a 10-s alarm goes to ALARM on high-resolution data and back to OK, with history (SDK over CBOR)', async () => {
    const metric = { Namespace: 'Jobs', MetricName: 'Backlog', Dimensions: [{ Name: 'Queue', Value: 'q1' }] };
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: 'backlog-high', ...metric, Statistic: 'Maximum', Period: 10, EvaluationPeriods: 1, Threshold: 100,
      ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: ['arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/default/web:policyName/up'],
    }));
    const alarmOf = async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['backlog-high'] }))).MetricAlarms![0]!;
    assert.equal((await alarmOf()).StateReason, 'Unchecked: Initial alarm creation');
    // A datapoint every 2 s until the alarm fires.
    const feed = setInterval(() => void cw.send(new PutMetricDataCommand({ Namespace: metric.Namespace, MetricData: [{ MetricName: metric.MetricName, Dimensions: metric.Dimensions, Value: 500, StorageResolution: 1 }] })).catch(() => undefined), 2_000);
    let fired;
    try {
      fired = await eventually(async () => ((await alarmOf()).StateValue === 'ALARM' ? alarmOf() : undefined), 'the alarm in ALARM', 45_000);
    } finally {
      clearInterval(feed);
    }
    assert.match(fired.StateReason!, /^Threshold Crossed: 1 datapoint \[500\.0 \(.+\)\] was greater than the threshold \(100\.0\)\.$/);
    const reasonData = JSON.parse(fired.StateReasonData!);
    assert.deepEqual(reasonData.recentDatapoints, [500]);
    assert.equal(reasonData.threshold, 100);
    // No data: notBreaching takes it back to OK.
    await eventually(async () => ((await alarmOf()).StateValue === 'OK' ? true : undefined), 'the alarm back to OK', 45_000);
    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'backlog-high', HistoryItemType: 'StateUpdate' }));
    // Newest first (an evaluation before the first datapoint may have gone to OK first: notBreaching).
    const [back, fired2] = history.AlarmHistoryItems!.map((h) => h.HistorySummary);
    assert.equal(back, 'Alarm updated from ALARM to OK');
    assert.match(fired2!, /^Alarm updated from (INSUFFICIENT_DATA|OK) to ALARM$/);
    const forMetric = await cw.send(new DescribeAlarmsForMetricCommand(metric));
    assert.deepEqual(forMetric.MetricAlarms!.map((a) => a.AlarmName), ['backlog-high']);
  });

  test('composite alarms, SetAlarmState, tags and deletion through the aws CLI (awsJson, query-compatible)', async () => {
    // cpu has no data, treated as breaching: it goes to ALARM at its first evaluation.
    for (const name of ['disk', 'cpu']) {
      await aws('put-metric-alarm', '--alarm-name', name, '--namespace', 'Host', '--metric-name', name, '--statistic', 'Average', '--period', '60',
        '--evaluation-periods', '1', '--threshold', '90', '--comparison-operator', 'GreaterThanThreshold', '--tags', 'Key=team,Value=ops',
        '--treat-missing-data', name === 'cpu' ? 'breaching' : 'missing');
    }
    await json.send(new PutCompositeAlarmCommand({ AlarmName: 'host-trouble', AlarmRule: 'ALARM("disk") OR ALARM(cpu)' }));
    // SetAlarmState holds until the alarm's next evaluation, as on AWS.
    await aws('set-alarm-state', '--alarm-name', 'disk', '--state-value', 'OK', '--state-reason', 'testing', '--state-reason-data', '{"why":"test"}');
    const { AlarmHistoryItems } = await aws('describe-alarm-history', '--alarm-name', 'disk', '--history-item-type', 'StateUpdate');
    const set = AlarmHistoryItems.map((h: { HistoryData: string }) => JSON.parse(h.HistoryData).newState).find((n: { stateReason: string }) => n.stateReason === 'testing');
    assert.deepEqual(set, { stateValue: 'OK', stateReason: 'testing', stateReasonData: { why: 'test' } });
    const described = await aws('describe-alarms', '--alarm-names', 'cpu');
    const composite = await eventually(async () => {
      const { CompositeAlarms } = await aws('describe-alarms', '--alarm-types', 'CompositeAlarm', '--alarm-names', 'host-trouble');
      return CompositeAlarms[0].StateValue === 'ALARM' ? CompositeAlarms[0] : undefined;
    }, 'the composite alarm in ALARM', 30_000);
    assert.equal(composite.AlarmRule, 'ALARM("disk") OR ALARM(cpu)');
    const children = await json.send(new DescribeAlarmsCommand({ ChildrenOfAlarmName: 'host-trouble' }));
    assert.deepEqual(children.MetricAlarms!.map((a) => a.AlarmName), ['cpu', 'disk']);
    const { AlarmArn } = described.MetricAlarms[0];
    await json.send(new TagResourceCommand({ ResourceARN: AlarmArn, Tags: [{ Key: 'env', Value: 'test' }] }));
    assert.deepEqual((await cw.send(new ListTagsForResourceCommand({ ResourceARN: AlarmArn }))).Tags, [{ Key: 'team', Value: 'ops' }, { Key: 'env', Value: 'test' }]);
    // Errors as the CLI shows them: query codes.
    assert.match(await awsFails('set-alarm-state', '--alarm-name', 'nope', '--state-value', 'OK', '--state-reason', 'x'), /ResourceNotFound/);
    assert.match(await awsFails('put-metric-alarm', '--alarm-name', 'bad', '--namespace', 'Host', '--metric-name', 'x', '--statistic', 'Average', '--period', '45', '--evaluation-periods', '1', '--threshold', '1', '--comparison-operator', 'GreaterThanThreshold'), /ValidationError/);
    assert.match(await awsFails('delete-alarms', '--alarm-names', 'cpu'), /composite alarm host-trouble/);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['host-trouble', 'cpu', 'disk'] }));
    assert.deepEqual((await aws('describe-alarms', '--alarm-name-prefix', 'c')).MetricAlarms, []);
  });

  test('boto3 reads alarms and statistics', async () => {
    const { stdout } = await run('python3', ['-c', `
import boto3, json
cw = boto3.client('cloudwatch', endpoint_url='${wharf.endpoint}', region_name='us-east-1', aws_access_key_id='${wharf.credentials.accessKeyId}', aws_secret_access_key='${wharf.credentials.secretAccessKey}')
alarms = cw.describe_alarms(AlarmNames=['backlog-high'])['MetricAlarms']
print(json.dumps({'state': alarms[0]['StateValue'], 'metrics': len(cw.list_metrics(Namespace='Shop')['Metrics'])}))
`]);
    assert.deepEqual(JSON.parse(stdout), { state: 'OK', metrics: 2 });
  });
});
