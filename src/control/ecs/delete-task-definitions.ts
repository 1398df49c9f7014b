import type { DeleteTaskDefinitionsRequest, DeleteTaskDefinitionsResponse, Failure, TaskDefinition } from '@aws-sdk/client-ecs';
import { taskDefinitionArn } from '../../core/arn.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { parseTaskDefinitionRef } from './lookups.js';
import { completeDeletion } from './retention.js';
import { taskDefinitionOf } from './task-definitions.js';

const MAX_DEFINITIONS = 10;

/**
 * Only INACTIVE revisions can be deleted: each turns DELETE_IN_PROGRESS and is gone once no task uses it
 * (at once when none does, else when retention finds it unused). The rest come back as failures.
 */
export async function deleteTaskDefinitions(
  ctx: ControlContext,
  input: DeleteTaskDefinitionsRequest,
): Promise<DeleteTaskDefinitionsResponse> {
  const refs = input.taskDefinitions!;
  if (refs.length === 0) throw new InvalidParameterException('size of TaskDefinition references list must be greater than 0');
  if (refs.length > MAX_DEFINITIONS) {
    throw new InvalidParameterException(`Size of TaskDefinition references list cannot exceed ${MAX_DEFINITIONS}`);
  }
  const result = await ctx.state.mutate((tx) => {
    const taskDefinitions: TaskDefinition[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const parsed = parseTaskDefinitionRef(ref);
      if (parsed?.revision === undefined) {
        failures.push({
          arn: ref,
          reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.',
        });
        continue;
      }
      const arn = taskDefinitionArn(ctx.partition, parsed.family, parsed.revision);
      const found = tx.get('taskDefinition', arn);
      if (!found) {
        failures.push({ arn, reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' });
        continue;
      }
      if (found.status === 'ACTIVE') {
        failures.push({
          arn,
          reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
        continue;
      }
      const deleting = tx.put('taskDefinition', arn, { ...found, status: 'DELETE_IN_PROGRESS' });
      completeDeletion(ctx.state, tx, arn);
      taskDefinitions.push(taskDefinitionOf(deleting));
    }
    return { taskDefinitions, failures };
  });
  for (const d of result.taskDefinitions) ctx.log.info('task definition deleted', { taskDefinitionArn: d.taskDefinitionArn });
  return result;
}
