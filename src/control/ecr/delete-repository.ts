import { RepositoryNotEmptyException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { describeRepository } from './create-repository.js';
import { blobScope, imagesOf, resolveRepository } from './repositories.js';
import { imageKey } from '../../core/ecr.js';

/** Deletes a repository; one with images only with `force`, and its images with it. Its blobs go unless another repository holds them. */
export async function deleteRepository(ctx: ControlContext, input: { registryId?: string; repositoryName: string; force?: boolean }) {
  const repository = await ctx.state.mutate((tx) => {
    const repo = resolveRepository(ctx, tx, input);
    const images = imagesOf(ctx.state, repo.repositoryName);
    if (images.length && !input.force)
      throw new RepositoryNotEmptyException(
        `The repository with name '${repo.repositoryName}' in registry with id '${repo.registryId}' cannot be deleted because it still contains images`,
      );
    for (const image of images) tx.delete('ecrImage', imageKey(repo.repositoryName, image.imageDigest));
    tx.delete('ecrRepository', repo.repositoryName);
    return repo;
  });
  const registry = ctx.registry;
  if (registry) {
    const scope = blobScope(ctx, repository.repositoryName);
    const held = await registry.blobs.scopeBlobs(scope);
    for (const digest of held) await registry.blobs.unlink(scope, digest);
    await registry.blobs.collect({ digests: held });
  }
  ctx.log.info('repository deleted', { repositoryName: repository.repositoryName });
  return { repository: describeRepository(repository) };
}
