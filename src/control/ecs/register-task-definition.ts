import type { RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import { taskDefinitionArn } from '../../core/arn.js';
import type { TaskDefinitionRecord } from '../../core/ecs.js';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { validateTags } from './tagging.js';
import { compatibilities, normaliseDefinition, requiresAttributes, taskDefinitionOf } from './task-definitions.js';

/**
 * Keeps the definition as given (every member round-trips) with ECS's defaults and computed members added.
 * Revisions count up per family and are never reused, even after their definitions are deleted.
 */
export async function registerTaskDefinition(
  ctx: ControlContext,
  input: RegisterTaskDefinitionRequest,
  call: CallContext,
): Promise<RegisterTaskDefinitionResponse> {
  const definition = normaliseDefinition(input);
  const tags = input.tags ?? [];
  validateTags(tags);
  const { family } = definition;
  const record = await ctx.state.mutate((tx) => {
    const revision = (tx.get('taskDefinitionFamily', family)?.latestRevision ?? 0) + 1;
    tx.put('taskDefinitionFamily', family, { family, latestRevision: revision });
    const arn = taskDefinitionArn(ctx.partition, family, revision);
    const registered: TaskDefinitionRecord = {
      ...definition,
      taskDefinitionArn: arn,
      revision,
      status: 'ACTIVE',
      requiresAttributes: requiresAttributes(definition),
      compatibilities: compatibilities(definition),
      registeredAt: ctx.clock.now(),
      registeredBy: call.caller.arn,
      tags,
    };
    return tx.put('taskDefinition', arn, registered);
  });
  ctx.log.info('task definition registered', { taskDefinitionArn: record.taskDefinitionArn });
  return { taskDefinition: taskDefinitionOf(record), tags };
}
