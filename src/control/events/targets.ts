// A rule's targets: PutTargets (add or replace by Id, at most five per rule), RemoveTargets,
// ListTargetsByRule. Targets are checked as EventBridge checks them when they are put; whether their
// role may act is decided at each invocation, as on AWS.
import { ValidationException } from '../../core/errors.js';
import type { EventTarget } from '../../core/events.js';
import { inputProblem } from '../../core/events-input.js';
import { LimitExceededException } from '../../core/events-errors.js';
import type { ControlContext } from '../context.js';
import { page } from './pagination.js';
import { checkNotManaged, resolveRule } from './rules.js';

export const TARGETS_PER_RULE = 5;

const ECS_CLUSTER_ARN = /^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:cluster\/[\w-]+$/;
const SQS_QUEUE_ARN = /^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+$/;

export const isEcsTarget = (target: Pick<EventTarget, 'Arn'>) => ECS_CLUSTER_ARN.test(target.Arn);

function checkTarget(target: EventTarget): void {
  const problem = inputProblem(target);
  if (problem) throw new ValidationException(problem);
  if (target.DeadLetterConfig?.Arn !== undefined && !SQS_QUEUE_ARN.test(target.DeadLetterConfig.Arn))
    throw new ValidationException(`Parameter DeadLetterConfig.Arn is not valid for target ${target.Id}: it must be an SQS queue ARN.`);
  if (!isEcsTarget(target)) {
    if (target.EcsParameters) throw new ValidationException(`Parameter(s) EcsParameters not valid for target ${target.Id}.`);
    return;
  }
  if (!target.EcsParameters) throw new ValidationException(`Parameter(s) EcsParameters must be specified for target: ${target.Id}.`);
  if (!target.RoleArn) throw new ValidationException(`Parameter(s) RoleArn must be specified for target: ${target.Id}.`);
  const ecs = target.EcsParameters;
  if (ecs.LaunchType && ecs.CapacityProviderStrategy?.length)
    throw new ValidationException(`Parameter(s) LaunchType and CapacityProviderStrategy cannot both be specified for target: ${target.Id}.`);
  if (ecs.LaunchType === 'FARGATE' && !ecs.NetworkConfiguration?.awsvpcConfiguration)
    throw new ValidationException(`Parameter(s) NetworkConfiguration must be specified for target: ${target.Id} with FARGATE launch type.`);
}

export async function putTargets(ctx: ControlContext, input: { Rule: string; EventBusName?: string; Targets: EventTarget[] }) {
  const ids = input.Targets.map((t) => t.Id);
  if (new Set(ids).size !== ids.length) throw new ValidationException('Target ids must be unique within a request.');
  for (const target of input.Targets) checkTarget(target);
  await ctx.state.mutate((tx) => {
    const rule = resolveRule(ctx, tx, input.Rule, input.EventBusName);
    checkNotManaged(rule);
    const targets = new Map(rule.targets.map((t) => [t.Id, t]));
    for (const target of input.Targets) targets.set(target.Id, target);
    if (targets.size > TARGETS_PER_RULE) throw new LimitExceededException('The requested resource exceeds the maximum number allowed.');
    tx.put('eventRule', rule.Arn, { ...rule, targets: [...targets.values()] });
  });
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export async function removeTargets(ctx: ControlContext, input: { Rule: string; EventBusName?: string; Ids: string[]; Force?: boolean }) {
  await ctx.state.mutate((tx) => {
    const rule = resolveRule(ctx, tx, input.Rule, input.EventBusName);
    checkNotManaged(rule, input.Force);
    tx.put('eventRule', rule.Arn, { ...rule, targets: rule.targets.filter((t) => !input.Ids.includes(t.Id)) });
  });
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(ctx: ControlContext, input: { Rule: string; EventBusName?: string; NextToken?: string; Limit?: number }) {
  const rule = resolveRule(ctx, ctx.state, input.Rule, input.EventBusName);
  const { items, NextToken } = page(rule.targets, input);
  return { Targets: items, ...(NextToken && { NextToken }) };
}
