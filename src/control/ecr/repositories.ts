// Repositories: lookup with ECR's errors, their ARN, URI and blob scope, and what the registry's blobs
// need when images go (their links released, the blobs no repository holds deleted).
import { checkRepositoryName, type EcrImageRecord, type EcrRepositoryRecord } from '../../core/ecr.js';
import { RepositoryNotFoundException } from '../../core/ecr-errors.js';
import { arn } from '../../core/arn.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';
import { imagesByRepository } from './indexes.js';

export const repositoryArn = (ctx: Pick<ControlContext, 'partition'>, name: string) => arn(ctx.partition, 'ecr', `repository/${name}`);

/** The URI ECR gives a repository; the agent resolves it to Wharf's registry (docs/ecr.md). */
export const repositoryUri = (ctx: Pick<ControlContext, 'partition'>, name: string) =>
  `${ctx.partition.accountId}.dkr.ecr.${ctx.partition.region}.amazonaws.com/${name}`;

/** The repository's blobs on disk: one scope per account, region and name. */
export const blobScope = (ctx: Pick<ControlContext, 'partition'>, name: string) => `${ctx.partition.accountId}/${ctx.partition.region}/${name}`;

export function checkRegistryId(ctx: Pick<ControlContext, 'partition'>, registryId: string | undefined): void {
  // Wharf serves one account: another registry's repositories do not exist here.
  if (registryId !== undefined && registryId !== ctx.partition.accountId)
    throw new RepositoryNotFoundException(`The repository does not exist in the registry with id '${registryId}'`);
}

export function resolveRepository(
  ctx: Pick<ControlContext, 'partition'>,
  state: Pick<State, 'get'>,
  input: { repositoryName: string; registryId?: string },
): EcrRepositoryRecord {
  checkRegistryId(ctx, input.registryId);
  const record = state.get('ecrRepository', checkRepositoryName(input.repositoryName));
  if (!record)
    throw new RepositoryNotFoundException(
      `The repository with name '${input.repositoryName}' does not exist in the registry with id '${input.registryId ?? ctx.partition.accountId}'`,
    );
  return record;
}

/** Changes one repository in a mutation (its lookup's errors first); the repository as changed. */
export function updateRepository(
  ctx: ControlContext,
  input: { repositoryName: string; registryId?: string },
  change: (record: EcrRepositoryRecord) => EcrRepositoryRecord,
): Promise<EcrRepositoryRecord> {
  return ctx.state.mutate((tx) => {
    const record = resolveRepository(ctx, tx, input);
    return tx.put('ecrRepository', record.repositoryName, change(record));
  });
}

export const imagesOf = (state: Pick<State, 'where'>, repositoryName: string): EcrImageRecord[] => state.where(imagesByRepository, repositoryName);

/**
 * After `removed` images left the repository (deleted, or the repository with them): the repository lets go
 * of the blobs no image of it still names, and blobs no repository holds are deleted from disk.
 */
export async function releaseBlobs(ctx: ControlContext, repositoryName: string, removed: readonly EcrImageRecord[]): Promise<void> {
  const registry = ctx.registry;
  if (!registry || removed.length === 0) return;
  const kept = new Set(imagesOf(ctx.state, repositoryName).flatMap((image) => [image.imageDigest, ...image.references]));
  const scope = blobScope(ctx, repositoryName);
  const released = [...new Set(removed.flatMap((image) => [image.imageDigest, ...image.references]))].filter((digest) => !kept.has(digest));
  for (const digest of released) await registry.blobs.unlink(scope, digest);
  const deleted = await registry.blobs.collect({ digests: released });
  if (deleted.length) ctx.log.info('registry blobs deleted', { repositoryName, count: deleted.length });
}
