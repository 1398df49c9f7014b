import { RepositoryNotFoundException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { describeRepository } from './create-repository.js';
import { page } from './pagination.js';
import { checkRegistryId } from './repositories.js';

export function describeRepositories(ctx: ControlContext, input: { registryId?: string; repositoryNames?: string[]; nextToken?: string; maxResults?: number }) {
  checkRegistryId(ctx, input.registryId);
  let records = [...ctx.state.all('ecrRepository')].sort((a, b) => (a.repositoryName < b.repositoryName ? -1 : 1));
  if (input.repositoryNames?.length) {
    const names = input.repositoryNames;
    const missing = names.find((name) => !ctx.state.get('ecrRepository', name));
    if (missing) throw new RepositoryNotFoundException(`The repository with name '${missing}' does not exist in the registry with id '${ctx.partition.accountId}'`);
    records = names.map((name) => ctx.state.get('ecrRepository', name)!);
  }
  const { items, nextToken } = page(records, input);
  return { repositories: items.map(describeRepository), ...(nextToken && { nextToken }) };
}
