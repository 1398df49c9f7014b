// The layer calls of ECR's API (what the registry protocol does for docker): which layers a repository has.
import { isDigest } from '../../core/ecr.js';
import { ServerException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { blobScope, resolveRepository } from './repositories.js';

export async function batchCheckLayerAvailability(ctx: ControlContext, input: { registryId?: string; repositoryName: string; layerDigests: string[] }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const registry = ctx.registry;
  if (!registry) throw new ServerException('This Wharf runs no image registry');
  const scope = blobScope(ctx, repo.repositoryName);
  const layers = [];
  const failures = [];
  for (const layerDigest of input.layerDigests) {
    if (!isDigest(layerDigest)) {
      failures.push({ layerDigest, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' });
      continue;
    }
    const size = (await registry.blobs.linked(scope, layerDigest)) ? await registry.blobs.stat(layerDigest) : undefined;
    if (size === undefined) failures.push({ layerDigest, failureCode: 'MissingLayerDigest', failureReason: 'Layer not found' });
    else layers.push({ layerDigest, layerAvailability: 'AVAILABLE', layerSize: size, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' });
  }
  return { layers, failures };
}
