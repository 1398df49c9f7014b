import type { DescribeTaskDefinitionRequest, DescribeTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { resolveTaskDefinition } from './lookups.js';
import { taskDefinitionOf } from './task-definitions.js';

/** A family alone means its latest ACTIVE revision; a named revision is found whatever its status. */
export async function describeTaskDefinition(
  ctx: ControlContext,
  input: DescribeTaskDefinitionRequest,
): Promise<DescribeTaskDefinitionResponse> {
  const record = resolveTaskDefinition(ctx, input.taskDefinition!);
  return {
    taskDefinition: taskDefinitionOf(record),
    ...(input.include?.includes('TAGS') ? { tags: record.tags } : {}),
  };
}
