// Images: found by tag or digest, recorded when a manifest is pushed (through the registry or PutImage),
// and deleted (BatchDeleteImage, the registry's DELETE, lifecycle expiry). One path for each, so tag
// immutability, blob checks and garbage collection behave the same whichever way an image comes or goes.
import type { ParsedManifest } from '../../core/ecr-registry.js';
import { imageKey, type EcrImageRecord, type EcrRepositoryRecord } from '../../core/ecr.js';
import {
  ImageAlreadyExistsException,
  ImageTagAlreadyExistsException,
  LayersNotFoundException,
  ReferencedImagesNotFoundException,
} from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';
import { blobScope, imagesOf, releaseBlobs, resolveRepository } from './repositories.js';

/**
 * The image a tag or a digest names in the repository; within a mutation, as `tx` sees the images (the
 * index, which follows commits, only says which images the repository has).
 */
export function findImage(
  state: Pick<State, 'get' | 'where'>,
  repositoryName: string,
  id: { imageTag?: string; imageDigest?: string },
  tx?: Pick<Transaction, 'get'>,
): EcrImageRecord | undefined {
  const read = tx ?? state;
  if (id.imageDigest) {
    const image = read.get('ecrImage', imageKey(repositoryName, id.imageDigest));
    return image && (!id.imageTag || image.imageTags.includes(id.imageTag)) ? image : undefined;
  }
  if (!id.imageTag) return undefined;
  for (const { imageDigest } of imagesOf(state, repositoryName)) {
    const image = read.get('ecrImage', imageKey(repositoryName, imageDigest));
    if (image?.imageTags.includes(id.imageTag)) return image;
  }
  return undefined;
}

export interface RecordImageOptions {
  /** PutImage refuses a manifest and tag it already has; a registry push of one is a no-op, as docker pushes repeat. */
  repeat: 'refuse' | 'accept';
}

/**
 * Records a pushed manifest (already stored as a blob) as an image of the repository, under `tag` when one is
 * given: the blobs it names must be the repository's, the images an index names must be in it, and an
 * immutable repository never moves a tag.
 */
export async function recordImage(ctx: ControlContext, repositoryName: string, manifest: ParsedManifest, tag: string | undefined, options: RecordImageOptions): Promise<EcrImageRecord> {
  const repository = resolveRepository(ctx, ctx.state, { repositoryName });
  const scope = blobScope(ctx, repositoryName);
  const registry = ctx.registry;
  if (registry) {
    const missing: string[] = [];
    for (const blob of manifest.blobs) if (!(await registry.blobs.linked(scope, blob.digest))) missing.push(blob.digest);
    if (missing.length) throw new LayersNotFoundException(`Layers with digests '[${missing.join(', ')}]' required for pushing image into repository with name '${repositoryName}' in registry with id '${repository.registryId}' do not exist`);
    await registry.blobs.link(scope, manifest.digest);
  }
  const absent = manifest.manifests.filter((m) => !ctx.state.get('ecrImage', imageKey(repositoryName, m.digest)));
  if (absent.length) throw new ReferencedImagesNotFoundException(`Manifests with digests '[${absent.map((m) => m.digest).join(', ')}]' referenced by the image index do not exist in the repository`);
  return ctx.state.mutate((tx) => {
    const repo = resolveRepository(ctx, tx, { repositoryName });
    const key = imageKey(repositoryName, manifest.digest);
    const existing = tx.get('ecrImage', key);
    const holder = tag === undefined ? undefined : findImage(ctx.state, repositoryName, { imageTag: tag }, tx);
    if (existing && (tag === undefined || holder === existing)) {
      if (options.repeat === 'accept') return existing;
      throw new ImageAlreadyExistsException(
        `Image with digest '${manifest.digest}'${tag ? ` and tag '${tag}'` : ''} already exists in the repository with name '${repositoryName}' in registry with id '${repo.registryId}'`,
      );
    }
    if (holder) {
      if (repo.imageTagMutability === 'IMMUTABLE')
        throw new ImageTagAlreadyExistsException(`The image tag '${tag}' already exists in the '${repositoryName}' repository and cannot be overwritten because the repository is immutable.`);
      tx.put('ecrImage', imageKey(repositoryName, holder.imageDigest), { ...holder, imageTags: holder.imageTags.filter((t) => t !== tag) });
    }
    if (existing) return tx.put('ecrImage', key, { ...existing, imageTags: [...existing.imageTags, tag!] });
    const childSizes = manifest.manifests.reduce((sum, m) => sum + (tx.get('ecrImage', imageKey(repositoryName, m.digest))?.imageSizeInBytes ?? 0), 0);
    const record: EcrImageRecord = {
      registryId: repo.registryId,
      repositoryName,
      imageDigest: manifest.digest,
      imageTags: tag === undefined ? [] : [tag],
      imageManifestMediaType: manifest.mediaType,
      ...(manifest.artifactType && { artifactMediaType: manifest.artifactType, artifactType: manifest.artifactType }),
      ...(!manifest.artifactType && manifest.blobs[0] && { artifactMediaType: manifest.blobs[0].mediaType }),
      ...(manifest.subject && { subjectManifestDigest: manifest.subject.digest }),
      imageSizeInBytes: manifest.blobs.reduce((sum, blob) => sum + blob.size, 0) + childSizes,
      manifestSize: manifest.size,
      imagePushedAt: ctx.clock.now(),
      references: [...manifest.blobs, ...manifest.manifests].map((d) => d.digest),
      layers: manifest.blobs.slice(1).map((d) => d.digest),
      ...(scanOnPush(repo, manifest) && { scan: { status: 'IN_PROGRESS' as const, description: 'The scan is in progress.', findings: [] } }),
    };
    return tx.put('ecrImage', key, record);
  });
}

const scanOnPush = (repo: EcrRepositoryRecord, manifest: ParsedManifest) => repo.imageScanningConfiguration.scanOnPush && manifest.manifests.length === 0 && !manifest.artifactType;

/** Deletes images of a repository (by key), then lets the registry drop the blobs nothing names any more. */
export async function deleteImages(ctx: ControlContext, repositoryName: string, digests: readonly string[]): Promise<EcrImageRecord[]> {
  const removed = await ctx.state.mutate((tx) => {
    const gone: EcrImageRecord[] = [];
    for (const digest of digests) {
      const image = tx.get('ecrImage', imageKey(repositoryName, digest));
      if (!image) continue;
      tx.delete('ecrImage', imageKey(repositoryName, digest));
      gone.push(image);
    }
    return gone;
  });
  await releaseBlobs(ctx, repositoryName, removed);
  return removed;
}
