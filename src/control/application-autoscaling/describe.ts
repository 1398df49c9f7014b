// DescribeScalableTargets, DescribeScalingPolicies, DescribeScheduledActions, DescribeScalingActivities:
// a namespace (required), optional resource ids and dimension, opaque pagination, oldest first
// (activities newest first, as AWS lists them).
import type {
  DescribeScalableTargetsRequest,
  DescribeScalingActivitiesRequest,
  DescribeScalingPoliciesRequest,
  DescribeScheduledActionsRequest,
} from '@aws-sdk/client-application-auto-scaling';
import type { ScalableTargetRecord, ScalingActivityRecord, ScheduledActionRecord } from '../../core/app-autoscaling.js';
import type { ControlContext } from '../context.js';
import { byCreation, filtered, page } from './targets.js';

export function describeScalableTargets(ctx: ControlContext, input: DescribeScalableTargetsRequest) {
  const targets = filtered(byCreation(ctx.state.all('scalableTarget')), input);
  const { items, NextToken } = page(targets, input.NextToken, input.MaxResults);
  return { ScalableTargets: items.map(scalableTarget), ...(NextToken && { NextToken }) };
}

const scalableTarget = ({ tags: _, history: __, ...wire }: ScalableTargetRecord) => wire;

export function describeScalingPolicies(ctx: ControlContext, input: DescribeScalingPoliciesRequest) {
  const names = input.PolicyNames?.length ? new Set(input.PolicyNames) : undefined;
  const policies = filtered(byCreation(ctx.state.all('scalingPolicy')), input).filter((p) => !names || names.has(p.PolicyName!));
  const { items, NextToken } = page(policies, input.NextToken, input.MaxResults, 50);
  return { ScalingPolicies: items, ...(NextToken && { NextToken }) };
}

export function describeScheduledActions(ctx: ControlContext, input: DescribeScheduledActionsRequest) {
  const names = input.ScheduledActionNames?.length ? new Set(input.ScheduledActionNames) : undefined;
  const actions = filtered(byCreation(ctx.state.all('scalingScheduledAction')), input).filter((a) => !names || names.has(a.ScheduledActionName!));
  const { items, NextToken } = page(actions, input.NextToken, input.MaxResults, 50);
  return { ScheduledActions: items.map(scheduledAction), ...(NextToken && { NextToken }) };
}

const scheduledAction = ({ nextRunAt: _, ...wire }: ScheduledActionRecord) => wire;

export function describeScalingActivities(ctx: ControlContext, input: DescribeScalingActivitiesRequest) {
  const activities = filtered(ctx.state.all('scalingActivity'), input).sort((a, b) => new Date(b.StartTime).getTime() - new Date(a.StartTime).getTime());
  const { items, NextToken } = page(activities, input.NextToken, input.MaxResults, 50);
  return { ScalingActivities: items.map(activity), ...(NextToken && { NextToken }) };
}

const activity = ({ target: _, ...wire }: ScalingActivityRecord) => wire;
