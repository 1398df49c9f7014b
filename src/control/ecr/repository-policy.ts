// Repository policies (SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy): a resource policy,
// checked as IAM checks one, evaluated with the caller's own policies on every registry pull and push.
import { InvalidParameterException, RepositoryPolicyNotFoundException } from '../../core/ecr-errors.js';
import { compilePolicy } from '../../core/policy/compile.js';
import type { ControlContext } from '../context.js';
import { resolveRepository, updateRepository } from './repositories.js';

const notFound = (repositoryName: string, registryId: string) =>
  new RepositoryPolicyNotFoundException(`Repository policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`);

/**
 * The policy as IAM evaluates it: a repository policy's statements name no Resource (it is the repository),
 * so each is given the repository's ARN.
 */
export function repositoryPolicyDocument(policyText: string, repositoryArn: string): string {
  const policy = JSON.parse(policyText) as { Statement?: Record<string, unknown>[] | Record<string, unknown> };
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  if (statements.length === 0 || statements.some((s) => s.Principal === undefined && s.NotPrincipal === undefined)) throw new Error('every statement of a repository policy names a Principal');
  return JSON.stringify({ ...policy, Statement: statements.map((s) => (s.Resource === undefined && s.NotResource === undefined ? { ...s, Resource: repositoryArn } : s)) });
}

export async function setRepositoryPolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string; policyText: string; force?: boolean }) {
  try {
    compilePolicy(repositoryPolicyDocument(input.policyText, resolveRepository(ctx, ctx.state, input).repositoryArn), 'resource');
  } catch (err) {
    throw new InvalidParameterException(`Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided': ${(err as Error).message}`);
  }
  const repo = await updateRepository(ctx, input, (record) => ({ ...record, policyText: input.policyText }));
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, policyText: repo.policyText };
}

export function getRepositoryPolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  if (repo.policyText === undefined) throw notFound(repo.repositoryName, repo.registryId);
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, policyText: repo.policyText };
}

export async function deleteRepositoryPolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string }) {
  let policyText: string | undefined;
  const repo = await updateRepository(ctx, input, ({ policyText: removed, ...rest }) => {
    if (removed === undefined) throw notFound(rest.repositoryName, rest.registryId);
    policyText = removed;
    return rest;
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, policyText };
}
