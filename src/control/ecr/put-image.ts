import { createHash } from 'node:crypto';
import { isImageTag } from '../../core/ecr.js';
import { parseManifest } from '../../core/ecr-manifest.js';
import { RegistryError } from '../../core/ecr-registry.js';
import { ImageDigestDoesNotMatchException, InvalidParameterException, ServerException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { recordImage } from './images.js';
import { resolveRepository } from './repositories.js';

/** Creates or retags an image from its manifest (the blobs it names must already be in the repository). */
export async function putImage(
  ctx: ControlContext,
  input: { registryId?: string; repositoryName: string; imageManifest: string; imageManifestMediaType?: string; imageTag?: string; imageDigest?: string },
) {
  const repo = resolveRepository(ctx, ctx.state, input);
  if (input.imageTag !== undefined && !isImageTag(input.imageTag)) throw new InvalidParameterException(`Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_.]+''`);
  const registry = ctx.registry;
  if (!registry) throw new ServerException('This Wharf runs no image registry');
  const bytes = Buffer.from(input.imageManifest, 'utf8');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (input.imageDigest !== undefined && input.imageDigest !== digest)
    throw new ImageDigestDoesNotMatchException(`Invalid parameter at 'imageDigest' failed to satisfy constraint: 'The provided digest '${input.imageDigest}' does not match the digest of the image manifest '${digest}''`);
  let manifest;
  try {
    manifest = parseManifest(bytes, digest, input.imageManifestMediaType);
  } catch (err) {
    if (err instanceof RegistryError) throw new InvalidParameterException(`Invalid parameter at 'ImageManifest' failed to satisfy constraint: '${err.message}'`);
    throw err;
  }
  await registry.blobs.put(bytes);
  const image = await recordImage(ctx, repo.repositoryName, manifest, input.imageTag, { repeat: 'refuse' });
  return {
    image: {
      registryId: image.registryId,
      repositoryName: image.repositoryName,
      imageId: { imageDigest: image.imageDigest, ...(input.imageTag && { imageTag: input.imageTag }) },
      imageManifest: input.imageManifest,
      imageManifestMediaType: image.imageManifestMediaType,
    },
  };
}
