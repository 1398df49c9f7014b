// Amazon EC2 Auto Scaling on the gateway (query protocol, XML): groups launched from EC2 launch templates
// and kept at their desired capacity by the group controller, scaling policies, lifecycle hooks, scaling activities, tags
// (docs/capacity-providers.md). Not Application Auto Scaling (application-autoscaling.ts).
import { deleteAutoScalingGroup } from '../control/autoscaling/delete-auto-scaling-group.js';
import { createAutoScalingGroup } from '../control/autoscaling/create-auto-scaling-group.js';
import { describeAutoScalingGroups, describeAutoScalingInstances } from '../control/autoscaling/describe-auto-scaling-groups.js';
import { describePolicies } from '../control/autoscaling/describe-policies.js';
import { deletePolicy, executePolicy, putScalingPolicy } from '../control/autoscaling/scaling-policies.js';
import { describeScalingActivities } from '../control/autoscaling/describe-scaling-activities.js';
import { groupController } from '../control/autoscaling/group-controller.js';
import { setDesiredCapacity, setInstanceProtection, terminateInstanceInAutoScalingGroup } from '../control/autoscaling/capacity.js';
import {
  completeLifecycleAction,
  deleteLifecycleHook,
  describeLifecycleHooks,
  putLifecycleHook,
  recordLifecycleActionHeartbeat,
} from '../control/autoscaling/lifecycle-hooks.js';
import { createOrUpdateTags, deleteTags, describeTags } from '../control/autoscaling/tags.js';
import { updateAutoScalingGroup } from '../control/autoscaling/update-auto-scaling-group.js';
import { TERMINATION_POLICIES } from '../core/autoscaling.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const autoscaling: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('autoscaling'),
    handlers: {
      CreateAutoScalingGroup: (input) => createAutoScalingGroup(ctx, input),
      UpdateAutoScalingGroup: (input) => updateAutoScalingGroup(ctx, input),
      DeleteAutoScalingGroup: (input) => deleteAutoScalingGroup(ctx, input),
      DescribeAutoScalingGroups: (input) => describeAutoScalingGroups(ctx, input),
      DescribeAutoScalingInstances: (input) => describeAutoScalingInstances(ctx, input),
      SetDesiredCapacity: (input) => setDesiredCapacity(ctx, input),
      SetInstanceProtection: (input) => setInstanceProtection(ctx, input),
      TerminateInstanceInAutoScalingGroup: (input) => terminateInstanceInAutoScalingGroup(ctx, input),
      DescribeScalingActivities: (input) => describeScalingActivities(ctx, input),
      DescribePolicies: (input) => describePolicies(ctx, input),
      PutScalingPolicy: (input) => putScalingPolicy(ctx, input),
      DeletePolicy: (input) => deletePolicy(ctx, input),
      ExecutePolicy: (input) => executePolicy(ctx, input),
      DescribeAdjustmentTypes: () => ({ AdjustmentTypes: ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'].map((AdjustmentType) => ({ AdjustmentType })) }),
      PutLifecycleHook: (input) => putLifecycleHook(ctx, input),
      DescribeLifecycleHooks: (input) => describeLifecycleHooks(ctx, input),
      DeleteLifecycleHook: (input) => deleteLifecycleHook(ctx, input),
      CompleteLifecycleAction: (input) => completeLifecycleAction(ctx, input),
      RecordLifecycleActionHeartbeat: (input) => recordLifecycleActionHeartbeat(ctx, input),
      DescribeLifecycleHookTypes: () => ({ LifecycleHookTypes: ['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'] }),
      DescribeTerminationPolicyTypes: () => ({ TerminationPolicyTypes: [...TERMINATION_POLICIES] }),
      CreateOrUpdateTags: (input) => createOrUpdateTags(ctx, input),
      DeleteTags: (input) => deleteTags(ctx, input),
      DescribeTags: (input) => describeTags(ctx, input),
    },
  }),
  controllers: (ctx, signal) => [groupController(ctx, signal)],
};
