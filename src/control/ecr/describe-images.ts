import { imageDetail } from '../../core/ecr.js';
import { ImageNotFoundException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { isFailure, resolveImageId, type ImageId } from './image-ids.js';
import { page } from './pagination.js';
import { imagesOf, resolveRepository } from './repositories.js';

export interface DescribeImagesInput {
  registryId?: string;
  repositoryName: string;
  imageIds?: ImageId[];
  nextToken?: string;
  maxResults?: number;
  filter?: { tagStatus?: string };
}

/** The repository's images, newest first, with their scan status and sizes; named ones must all exist. */
export function describeImages(ctx: ControlContext, input: DescribeImagesInput) {
  const repo = resolveRepository(ctx, ctx.state, input);
  if (input.imageIds?.length) {
    const details = input.imageIds.map((id) => {
      const found = resolveImageId(ctx.state, repo.repositoryName, id);
      if (isFailure(found))
        throw new ImageNotFoundException(`The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.repositoryName}' in the registry with id '${repo.registryId}'`);
      return imageDetail(found);
    });
    return { imageDetails: details };
  }
  const images = filterByTagStatus(imagesOf(ctx.state, repo.repositoryName), input.filter?.tagStatus).sort(newestFirst);
  const { items, nextToken } = page(images, input);
  return { imageDetails: items.map(imageDetail), ...(nextToken && { nextToken }) };
}

export const newestFirst = (a: { imagePushedAt: Date; imageDigest: string }, b: { imagePushedAt: Date; imageDigest: string }) =>
  new Date(b.imagePushedAt).getTime() - new Date(a.imagePushedAt).getTime() || (a.imageDigest < b.imageDigest ? -1 : 1);

export function filterByTagStatus<T extends { imageTags: string[] }>(images: T[], tagStatus: string | undefined): T[] {
  if (tagStatus === 'TAGGED') return images.filter((i) => i.imageTags.length > 0);
  if (tagStatus === 'UNTAGGED') return images.filter((i) => i.imageTags.length === 0);
  return images;
}
