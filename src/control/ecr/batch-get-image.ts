import { ServerException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { isFailure, resolveImageId, type ImageFailure, type ImageId } from './image-ids.js';
import { resolveRepository } from './repositories.js';

/** The images' manifests, as stored (read from the registry's blobs). */
export async function batchGetImage(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageIds: ImageId[]; acceptedMediaTypes?: string[] }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const registry = ctx.registry;
  if (!registry) throw new ServerException('This Wharf runs no image registry');
  const images = [];
  const failures: ImageFailure[] = [];
  for (const id of input.imageIds) {
    const found = resolveImageId(ctx.state, repo.repositoryName, id);
    if (isFailure(found)) {
      failures.push(found);
      continue;
    }
    if (input.acceptedMediaTypes?.length && !input.acceptedMediaTypes.includes(found.imageManifestMediaType)) {
      failures.push({ imageId: id, failureCode: 'UnsupportedImageType', failureReason: `The image manifest media type ${found.imageManifestMediaType} is not accepted` } as ImageFailure);
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of registry.blobs.read(found.imageDigest)) chunks.push(Buffer.from(chunk));
    images.push({
      registryId: repo.registryId,
      repositoryName: repo.repositoryName,
      imageId: { imageDigest: found.imageDigest, ...(id.imageTag && { imageTag: id.imageTag }) },
      imageManifest: Buffer.concat(chunks).toString('utf8'),
      imageManifestMediaType: found.imageManifestMediaType,
    });
  }
  return { images, failures };
}
