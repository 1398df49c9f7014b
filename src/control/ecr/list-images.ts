import type { ControlContext } from '../context.js';
import { filterByTagStatus, newestFirst } from './describe-images.js';
import { page } from './pagination.js';
import { imagesOf, resolveRepository } from './repositories.js';

/** One image id per tag (and one, digest only, per untagged image), as ECR lists them. */
export function listImages(ctx: ControlContext, input: { registryId?: string; repositoryName: string; nextToken?: string; maxResults?: number; filter?: { tagStatus?: string } }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const ids = filterByTagStatus(imagesOf(ctx.state, repo.repositoryName), input.filter?.tagStatus)
    .sort(newestFirst)
    .flatMap((image) => (image.imageTags.length ? image.imageTags.map((imageTag) => ({ imageDigest: image.imageDigest, imageTag })) : [{ imageDigest: image.imageDigest }]));
  const { items, nextToken } = page(ids, input, 1000);
  return { imageIds: items, ...(nextToken && { nextToken }) };
}
