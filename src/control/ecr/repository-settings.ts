// A repository's settings: tag mutability and scan on push.
import { InvalidParameterException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { updateRepository } from './repositories.js';

export async function putImageTagMutability(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageTagMutability: string }) {
  const mutability = input.imageTagMutability;
  if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') throw new InvalidParameterException(`Invalid parameter at 'imageTagMutability': ${mutability} is not supported`);
  const repo = await updateRepository(ctx, input, (record) => ({ ...record, imageTagMutability: mutability }));
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, imageTagMutability: repo.imageTagMutability };
}

export async function putImageScanningConfiguration(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageScanningConfiguration: { scanOnPush?: boolean } }) {
  const scanOnPush = input.imageScanningConfiguration.scanOnPush ?? false;
  const repo = await updateRepository(ctx, input, (record) => ({ ...record, imageScanningConfiguration: { scanOnPush } }));
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, imageScanningConfiguration: repo.imageScanningConfiguration };
}
