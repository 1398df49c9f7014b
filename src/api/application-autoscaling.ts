// Application Auto Scaling on the gateway (awsJson 1.1, AnyScaleFrontendService): ECS services' desired
// count scaled by target-tracking and step policies (invoked by CloudWatch alarms) and scheduled actions.
// WHARF_SCALING_HIGH_RESOLUTION=1 gives target-tracking alarms 10-s periods (docs/autoscaling.md).
import { runAlarmActions, runScheduledActions } from '../control/application-autoscaling/controllers.js';
import { useHighResolutionAlarms } from '../control/application-autoscaling/alarms.js';
import { deleteScalingPolicy } from '../control/application-autoscaling/delete-scaling-policy.js';
import { deregisterScalableTarget } from '../control/application-autoscaling/deregister-scalable-target.js';
import {
  describeScalableTargets,
  describeScalingActivities,
  describeScalingPolicies,
  describeScheduledActions,
} from '../control/application-autoscaling/describe.js';
import { putScalingPolicy } from '../control/application-autoscaling/put-scaling-policy.js';
import { registerScalableTarget } from '../control/application-autoscaling/register-scalable-target.js';
import { deleteScheduledAction, putScheduledAction } from '../control/application-autoscaling/scheduled-actions.js';
import { listTagsForResource, tagResource, untagResource } from '../control/application-autoscaling/tags.js';
import type { ControlContext } from '../control/context.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

const configure = (ctx: ControlContext) => {
  if (process.env.WHARF_SCALING_HIGH_RESOLUTION === '1') useHighResolutionAlarms(ctx);
  return ctx;
};

export const applicationAutoScaling: ServiceModule = {
  binding: (regionCtx) => {
    const ctx = configure(regionCtx);
    return {
      model: loadModel('application-autoscaling'),
      handlers: {
        RegisterScalableTarget: (input) => registerScalableTarget(ctx, input),
        DescribeScalableTargets: (input) => describeScalableTargets(ctx, input),
        DeregisterScalableTarget: (input) => deregisterScalableTarget(ctx, input),
        PutScalingPolicy: (input) => putScalingPolicy(ctx, input),
        DescribeScalingPolicies: (input) => describeScalingPolicies(ctx, input),
        DeleteScalingPolicy: (input) => deleteScalingPolicy(ctx, input),
        DescribeScalingActivities: (input) => describeScalingActivities(ctx, input),
        PutScheduledAction: (input) => putScheduledAction(ctx, input),
        DescribeScheduledActions: (input) => describeScheduledActions(ctx, input),
        DeleteScheduledAction: (input) => deleteScheduledAction(ctx, input),
        TagResource: (input) => tagResource(ctx, input),
        UntagResource: (input) => untagResource(ctx, input),
        ListTagsForResource: (input) => listTagsForResource(ctx, input),
      },
    };
  },
  controllers: (regionCtx, signal) => {
    const ctx = configure(regionCtx);
    return [runAlarmActions(ctx, signal), runScheduledActions(ctx, signal)];
  },
};
