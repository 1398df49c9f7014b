import type { RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import { taskDefinitionArn } from '../../core/arn.js';
import type { TaskDefinitionRecord } from '../../core/ecs.js';
import type { CallContext } from '../../core/caller.js';
import { ClientException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { validateTags } from './tagging.js';
import { compatibilities, normaliseDefinition, requiresAttributes, taskDefinitionOf } from './task-definitions.js';

const MAX_TASK_DEFINITION_BYTES = 64 * 1024;
const MAX_REVISIONS_PER_FAMILY = 1_000_000;

/**
 * Keeps the definition as given (every member round-trips) with ECS's defaults and computed members added.
 * Revisions count up per family and are never reused, even after their definitions are deleted.
 */
export async function registerTaskDefinition(
  ctx: ControlContext,
  input: RegisterTaskDefinitionRequest,
  call: CallContext,
): Promise<RegisterTaskDefinitionResponse> {
  // AWS's quotas, which also bound what one family can hold: 64 KiB per definition as sent, 1,000,000 revisions.
  const size = Buffer.byteLength(JSON.stringify(input));
  if (size > MAX_TASK_DEFINITION_BYTES) throw new ClientException(`Actual length: '${size}'. Max allowed length is '${MAX_TASK_DEFINITION_BYTES}' bytes.`);
  const definition = normaliseDefinition(input);
  const tags = input.tags ?? [];
  validateTags(tags);
  const { family } = definition;
  const record = await ctx.state.mutate((tx) => {
    const revision = (tx.get('taskDefinitionFamily', family)?.latestRevision ?? 0) + 1;
    if (revision > MAX_REVISIONS_PER_FAMILY)
      throw new ClientException(`The task definition family '${family}' has reached the limit of ${MAX_REVISIONS_PER_FAMILY} revisions.`);
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
  // ECS answers the tags only when the request gave some.
  return { taskDefinition: taskDefinitionOf(record), ...(tags.length > 0 && { tags }) };
}
