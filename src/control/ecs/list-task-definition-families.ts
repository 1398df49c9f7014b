import type { ListTaskDefinitionFamiliesRequest, ListTaskDefinitionFamiliesResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { paginate } from './pagination.js';

/**
 * A family is ACTIVE while it has an ACTIVE revision and INACTIVE once it has none left; by default
 * (ALL) both are listed. Here familyPrefix really is a prefix.
 */
export async function listTaskDefinitionFamilies(
  ctx: ControlContext,
  input: ListTaskDefinitionFamiliesRequest,
): Promise<ListTaskDefinitionFamiliesResponse> {
  const prefix = input.familyPrefix ?? '';
  const active = new Map<string, boolean>();
  for (const d of ctx.state.all('taskDefinition')) {
    if (d.family.startsWith(prefix)) active.set(d.family, active.get(d.family) === true || d.status === 'ACTIVE');
  }
  const status = input.status ?? 'ALL';
  const families = [...active].filter(([, isActive]) => status === 'ALL' || isActive === (status === 'ACTIVE')).map(([family]) => family);
  const page = paginate(families, (family) => family, input);
  return { families: page.items, nextToken: page.nextToken };
}
