import { imageKey } from '../../core/ecr.js';
import type { ControlContext } from '../context.js';
import { isFailure, resolveImageId, type ImageFailure, type ImageId } from './image-ids.js';
import { deleteImages } from './images.js';
import { resolveRepository } from './repositories.js';

/**
 * Deletes images by digest, or tags by tag: an image loses the tag named, and goes once it has none left
 * (ECR's "untag"); by digest it goes with all its tags. What nothing names any more leaves the disk.
 */
export async function batchDeleteImage(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageIds: ImageId[] }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const failures: ImageFailure[] = [];
  const deletedIds: ImageId[] = [];
  const digests = new Set<string>();
  await ctx.state.mutate((tx) => {
    for (const id of input.imageIds) {
      const found = resolveImageId(ctx.state, repo.repositoryName, id, tx);
      if (isFailure(found)) {
        failures.push(found);
        continue;
      }
      if (id.imageTag && !id.imageDigest && found.imageTags.length > 1) {
        tx.put('ecrImage', imageKey(repo.repositoryName, found.imageDigest), { ...found, imageTags: found.imageTags.filter((t) => t !== id.imageTag) });
        deletedIds.push({ imageDigest: found.imageDigest, imageTag: id.imageTag });
        continue;
      }
      digests.add(found.imageDigest);
      deletedIds.push(...(found.imageTags.length ? found.imageTags.map((imageTag) => ({ imageDigest: found.imageDigest, imageTag })) : [{ imageDigest: found.imageDigest }]));
    }
  });
  await deleteImages(ctx, repo.repositoryName, [...digests]);
  return { imageIds: deletedIds, failures };
}
