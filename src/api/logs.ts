// CloudWatch Logs on the gateway (awsJson 1.1): log groups and streams (records), their events (the
// LogEventStore port), filter patterns, retention enforced by a controller, and tags.
import type { ControlContext } from '../control/context.js';
import { filterLogEvents } from '../control/logs/filter-log-events.js';
import { getLogEvents } from '../control/logs/get-log-events.js';
import { startLiveTail } from '../control/logs/live-tail.js';
import { createLogGroup, deleteLogGroup, describeLogGroups } from '../control/logs/log-groups.js';
import { createLogStream, deleteLogStream, describeLogStreams } from '../control/logs/log-streams.js';
import { putLogEvents } from '../control/logs/put-log-events.js';
import { deleteRetentionPolicy, putRetentionPolicy, retentionController } from '../control/logs/retention.js';
import { listTagsForResource, listTagsLogGroup, tagLogGroup, tagResource, untagLogGroup, untagResource } from '../control/logs/tags.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const logs: ServiceModule = {
  binding: (ctx: ControlContext) => ({
    model: loadModel('logs'),
    // Logs answers constraint failures as InvalidParameterException ("1 validation error detected: ..."), though its model defines neither code for them.
    validationErrorCode: 'InvalidParameterException',
    handlers: {
      CreateLogGroup: (input) => createLogGroup(ctx, input),
      DeleteLogGroup: (input) => deleteLogGroup(ctx, input),
      DescribeLogGroups: (input) => describeLogGroups(ctx, input),
      CreateLogStream: (input) => createLogStream(ctx, input),
      DeleteLogStream: (input) => deleteLogStream(ctx, input),
      DescribeLogStreams: (input) => describeLogStreams(ctx, input),
      PutLogEvents: (input) => putLogEvents(ctx, input),
      GetLogEvents: (input) => getLogEvents(ctx, input),
      FilterLogEvents: (input) => filterLogEvents(ctx, input),
      StartLiveTail: (input) => startLiveTail(ctx, input),
      PutRetentionPolicy: (input) => putRetentionPolicy(ctx, input),
      DeleteRetentionPolicy: (input) => deleteRetentionPolicy(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
      TagLogGroup: (input) => tagLogGroup(ctx, input),
      UntagLogGroup: (input) => untagLogGroup(ctx, input),
      ListTagsLogGroup: (input) => listTagsLogGroup(ctx, input),
    },
  }),
  controllers: (ctx, signal) => (ctx.logEvents ? [retentionController(ctx, signal)] : []),
};
