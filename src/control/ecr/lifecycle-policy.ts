// Lifecycle policies (Put/Get/DeleteLifecyclePolicy) and their previews (StartLifecyclePolicyPreview,
// GetLifecyclePolicyPreview): the rules are core/ecr-lifecycle.ts's; the controller applies them.
import { evaluateLifecycle, parseLifecyclePolicy } from '../../core/ecr-lifecycle.js';
import { LifecyclePolicyNotFoundException, LifecyclePolicyPreviewNotFoundException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import type { ImageId } from './image-ids.js';
import { page } from './pagination.js';
import { imagesOf, resolveRepository, updateRepository } from './repositories.js';

const notFound = (repositoryName: string, registryId: string) =>
  new LifecyclePolicyNotFoundException(`Lifecycle policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`);

export async function putLifecyclePolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string; lifecyclePolicyText: string }) {
  parseLifecyclePolicy(input.lifecyclePolicyText);
  const repo = await updateRepository(ctx, input, (record) => ({ ...record, lifecyclePolicyText: input.lifecyclePolicyText }));
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, lifecyclePolicyText: input.lifecyclePolicyText };
}

export function getLifecyclePolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  if (repo.lifecyclePolicyText === undefined) throw notFound(repo.repositoryName, repo.registryId);
  return {
    registryId: repo.registryId,
    repositoryName: repo.repositoryName,
    lifecyclePolicyText: repo.lifecyclePolicyText,
    ...(repo.lastLifecycleEvaluatedAt && { lastEvaluatedAt: repo.lastLifecycleEvaluatedAt }),
  };
}

export async function deleteLifecyclePolicy(ctx: ControlContext, input: { registryId?: string; repositoryName: string }) {
  let lifecyclePolicyText: string | undefined;
  const repo = await updateRepository(ctx, input, ({ lifecyclePolicyText: removed, ...rest }) => {
    if (removed === undefined) throw notFound(rest.repositoryName, rest.registryId);
    lifecyclePolicyText = removed;
    return rest;
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, lifecyclePolicyText, lastEvaluatedAt: repo.lastLifecycleEvaluatedAt ?? ctx.clock.now() };
}

/** Evaluates a policy (the one given, or the repository's) against the images now; GetLifecyclePolicyPreview reads the result. */
export async function startLifecyclePolicyPreview(ctx: ControlContext, input: { registryId?: string; repositoryName: string; lifecyclePolicyText?: string }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const policyText = input.lifecyclePolicyText ?? repo.lifecyclePolicyText;
  if (policyText === undefined) throw notFound(repo.repositoryName, repo.registryId);
  const results = evaluateLifecycle(parseLifecyclePolicy(policyText), imagesOf(ctx.state, repo.repositoryName), ctx.clock.now());
  await updateRepository(ctx, input, (record) => ({ ...record, lifecyclePreview: { policyText, results } }));
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, lifecyclePolicyText: policyText, status: 'IN_PROGRESS' };
}

export function getLifecyclePolicyPreview(
  ctx: ControlContext,
  input: { registryId?: string; repositoryName: string; imageIds?: ImageId[]; nextToken?: string; maxResults?: number; filter?: { tagStatus?: string } },
) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const preview = repo.lifecyclePreview;
  if (!preview)
    throw new LifecyclePolicyPreviewNotFoundException(`There is no dry run for the repository with name '${repo.repositoryName}' in the registry with id '${repo.registryId}'`);
  let results = preview.results;
  if (input.imageIds?.length) results = results.filter((r) => input.imageIds!.some((id) => id.imageDigest === r.imageDigest || (id.imageTag && r.imageTags.includes(id.imageTag))));
  if (input.filter?.tagStatus === 'TAGGED') results = results.filter((r) => r.imageTags.length > 0);
  if (input.filter?.tagStatus === 'UNTAGGED') results = results.filter((r) => r.imageTags.length === 0);
  const { items, nextToken } = page(results, input);
  return {
    registryId: repo.registryId,
    repositoryName: repo.repositoryName,
    lifecyclePolicyText: preview.policyText,
    status: 'COMPLETE',
    previewResults: items.map((r) => ({ ...r, ...(r.imageTags.length === 0 && { imageTags: undefined }), action: { type: 'EXPIRE' } })),
    summary: { expiringImageTotalCount: preview.results.length },
    ...(nextToken && { nextToken }),
  };
}
