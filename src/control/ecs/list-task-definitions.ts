import type { ListTaskDefinitionsRequest, ListTaskDefinitionsResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { paginate } from './pagination.js';
import { taskDefinitionsByFamily } from './indexes.js';

/**
 * Despite its name, familyPrefix is a whole family name in ECS. Results are ordered by family, then by
 * revision (ASC by default).
 */
export async function listTaskDefinitions(ctx: ControlContext, input: ListTaskDefinitionsRequest): Promise<ListTaskDefinitionsResponse> {
  const status = input.status ?? 'ACTIVE';
  const candidates = input.familyPrefix !== undefined ? ctx.state.where(taskDefinitionsByFamily, input.familyPrefix) : ctx.state.all('taskDefinition');
  const matching = [...candidates].filter((d) => d.status === status);
  const page = paginate(matching, (d) => `${d.family}:${String(d.revision).padStart(10, '0')}`, input, {
    descending: input.sort === 'DESC',
  });
  return { taskDefinitionArns: page.items.map((d) => d.taskDefinitionArn), nextToken: page.nextToken };
}
