// Amazon CloudWatch on the gateway: metrics (PutMetricData into the MetricStore, GetMetricStatistics,
// GetMetricData with metric math, ListMetrics) and alarms (metric, metric-math and composite; evaluated by
// the alarm controller). CloudWatch speaks three protocols: smithy-rpc-v2-cbor, awsJson with
// awsQueryCompatible, and query; the gateway routes each (the model lists them).
import { disableAlarmActions, enableAlarmActions } from '../control/cloudwatch/alarm-actions.js';
import { alarmController, retentionController } from '../control/cloudwatch/alarm-controller.js';
import { deleteAlarms } from '../control/cloudwatch/delete-alarms.js';
import { describeAlarmHistory } from '../control/cloudwatch/describe-alarm-history.js';
import { describeAlarms, describeAlarmsForMetric } from '../control/cloudwatch/describe-alarms.js';
import { getMetricData } from '../control/cloudwatch/get-metric-data.js';
import { getMetricStatistics } from '../control/cloudwatch/get-metric-statistics.js';
import { listMetrics } from '../control/cloudwatch/list-metrics.js';
import { putCompositeAlarm } from '../control/cloudwatch/put-composite-alarm.js';
import { putMetricAlarm } from '../control/cloudwatch/put-metric-alarm.js';
import { putMetricData } from '../control/cloudwatch/put-metric-data.js';
import { setAlarmState } from '../control/cloudwatch/set-alarm-state.js';
import { listTagsForResource, tagResource, untagResource } from '../control/cloudwatch/tags.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const cloudwatch: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('cloudwatch'),
    // PutMetricData takes up to 1 MB (AWS's limit, as of 2023).
    maxBodyBytes: 1024 * 1024,
    handlers: {
      PutMetricData: (input) => putMetricData(ctx, input),
      GetMetricStatistics: (input) => getMetricStatistics(ctx, input),
      GetMetricData: (input) => getMetricData(ctx, input),
      ListMetrics: (input) => listMetrics(ctx, input),
      PutMetricAlarm: (input) => putMetricAlarm(ctx, input),
      PutCompositeAlarm: (input) => putCompositeAlarm(ctx, input),
      DescribeAlarms: (input) => describeAlarms(ctx, input),
      DescribeAlarmsForMetric: (input) => describeAlarmsForMetric(ctx, input),
      DescribeAlarmHistory: (input) => describeAlarmHistory(ctx, input),
      DeleteAlarms: (input) => deleteAlarms(ctx, input),
      SetAlarmState: (input) => setAlarmState(ctx, input),
      EnableAlarmActions: (input) => enableAlarmActions(ctx, input),
      DisableAlarmActions: (input) => disableAlarmActions(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
    },
  }),
  controllers: (ctx, signal) => [alarmController(ctx, signal)],
  hostControllers: (ctx, signal) => [retentionController(ctx, signal)],
};
