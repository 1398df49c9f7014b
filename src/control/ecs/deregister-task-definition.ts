import type { DeregisterTaskDefinitionRequest, DeregisterTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import { ClientException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { parseTaskDefinitionRef, resolveTaskDefinition } from './lookups.js';
import { taskDefinitionOf } from './task-definitions.js';

/**
 * The definition turns INACTIVE: tasks and services using it carry on, but nothing new may start from it.
 * ECS wants the revision named; deregistering a definition that is no longer ACTIVE answers with it as is.
 */
export async function deregisterTaskDefinition(
  ctx: ControlContext,
  input: DeregisterTaskDefinitionRequest,
): Promise<DeregisterTaskDefinitionResponse> {
  const ref = input.taskDefinition!;
  if (parseTaskDefinitionRef(ref)?.revision === undefined) {
    throw new ClientException('The task definition revision is missing. Specify family:revision or a full ARN.');
  }
  const { record, changed } = await ctx.state.mutate((tx) => {
    const found = resolveTaskDefinition(ctx, ref, tx);
    if (found.status !== 'ACTIVE') return { record: found, changed: false };
    const inactive = { ...found, status: 'INACTIVE' as const, deregisteredAt: ctx.clock.now() };
    return { record: tx.put('taskDefinition', found.taskDefinitionArn, inactive), changed: true };
  });
  if (changed) ctx.log.info('task definition deregistered', { taskDefinitionArn: record.taskDefinitionArn });
  return { taskDefinition: taskDefinitionOf(record) };
}
