import type { EcrRepositoryRecord } from '../../core/ecr.js';
import { checkRepositoryName } from '../../core/ecr.js';
import { InvalidParameterException, RepositoryAlreadyExistsException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { checkRegistryId, repositoryArn, repositoryUri } from './repositories.js';
import { checkTags, type EcrTag } from './tags.js';

export interface CreateRepositoryInput {
  registryId?: string;
  repositoryName: string;
  tags?: EcrTag[];
  imageTagMutability?: string;
  imageScanningConfiguration?: { scanOnPush?: boolean };
  encryptionConfiguration?: { encryptionType: string; kmsKey?: string };
}

export async function createRepository(ctx: ControlContext, input: CreateRepositoryInput) {
  checkRegistryId(ctx, input.registryId);
  const name = checkRepositoryName(input.repositoryName);
  const mutability = input.imageTagMutability ?? 'MUTABLE';
  if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') throw new InvalidParameterException(`Invalid parameter at 'imageTagMutability': ${mutability} is not supported`);
  const encryption = input.encryptionConfiguration;
  if (encryption?.encryptionType === 'AES256' && encryption.kmsKey) throw new InvalidParameterException('Invalid parameter: kmsKey may only be specified with encryptionType KMS');
  const tags = checkTags(input.tags ?? []);
  const repository = await ctx.state.mutate((tx) => {
    if (tx.get('ecrRepository', name))
      throw new RepositoryAlreadyExistsException(`The repository with name '${name}' already exists in the registry with id '${ctx.partition.accountId}'`);
    const record: EcrRepositoryRecord = {
      repositoryArn: repositoryArn(ctx, name),
      registryId: ctx.partition.accountId,
      repositoryName: name,
      repositoryUri: repositoryUri(ctx, name),
      createdAt: ctx.clock.now(),
      imageTagMutability: mutability,
      imageScanningConfiguration: { scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false },
      encryptionConfiguration: encryption?.encryptionType === 'KMS' ? { encryptionType: 'KMS', ...(encryption.kmsKey && { kmsKey: encryption.kmsKey }) } : { encryptionType: 'AES256' },
      tags,
    };
    return tx.put('ecrRepository', name, record);
  });
  ctx.log.info('repository created', { repositoryName: name });
  return { repository: describeRepository(repository) };
}

/** The repository as the API shows it (policies and lifecycle state stay apart). */
export function describeRepository(record: EcrRepositoryRecord) {
  return {
    repositoryArn: record.repositoryArn,
    registryId: record.registryId,
    repositoryName: record.repositoryName,
    repositoryUri: record.repositoryUri,
    createdAt: record.createdAt,
    imageTagMutability: record.imageTagMutability,
    imageScanningConfiguration: record.imageScanningConfiguration,
    encryptionConfiguration: record.encryptionConfiguration,
  };
}
