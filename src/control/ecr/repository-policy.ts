// Repository policies (SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy): a resource policy,
// checked as IAM checks one, evaluated with the caller's own policies on every registry pull and push.
import { InvalidParameterException, RepositoryPolicyNotFoundException } from '../../core/ecr-errors.js';
import { compilePolicy } from '../../core/policy/compile.js';
import type { ControlContext } from '../context.js';
import { resolveRepository } from './repositories.js';

const notFound = (repositoryName: string, registryId: string) =>
  new RepositoryPolicyNotFoundException(`Repository policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`);

export async function setRepositoryPolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string; policyText: string; force?: boolean }) {
  try {
    const policy = JSON.parse(input.policyText) as { Statement?: { Principal?: unknown }[] };
    if (!Array.isArray(policy.Statement) || policy.Statement.some((s) => s.Principal === undefined)) throw new Error('every statement of a repository policy names a Principal');
    compilePolicy(input.policyText, 'resource');
  } catch (err) {
    throw new InvalidParameterException(`Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided': ${(err as Error).message}`);
  }
  const repo = await ctx.state.mutate((tx) => {
    const record = resolveRepository(ctx, tx, input);
    return tx.put('ecrRepository', record.repositoryName, { ...record, policyText: input.policyText });
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, policyText: repo.policyText };
}

export function getRepositoryPolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  if (repo.policyText === undefined) throw notFound(repo.repositoryName, repo.registryId);
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, policyText: repo.policyText };
}

export async function deleteRepositoryPolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string }) {
  const repo = await ctx.state.mutate((tx) => {
    const record = resolveRepository(ctx, tx, input);
    if (record.policyText === undefined) throw notFound(record.repositoryName, record.registryId);
    const { policyText: _removed, ...rest } = record;
    tx.put('ecrRepository', record.repositoryName, rest);
    return record;
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, policyText: repo.policyText };
}
