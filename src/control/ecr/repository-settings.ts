// A repository's settings: tag mutability and scan on push.
import { InvalidParameterException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRepository } from './repositories.js';

export async function putImageTagMutability(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageTagMutability: string }) {
  const mutability = input.imageTagMutability;
  if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') throw new InvalidParameterException(`Invalid parameter at 'imageTagMutability': ${mutability} is not supported`);
  const repo = await ctx.state.mutate((tx) => {
    const record = resolveRepository(ctx, tx, input);
    return tx.put('ecrRepository', record.repositoryName, { ...record, imageTagMutability: mutability });
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, imageTagMutability: repo.imageTagMutability };
}

export async function putImageScanningConfiguration(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageScanningConfiguration: { scanOnPush?: boolean } }) {
  const repo = await ctx.state.mutate((tx) => {
    const record = resolveRepository(ctx, tx, input);
    return tx.put('ecrRepository', record.repositoryName, { ...record, imageScanningConfiguration: { scanOnPush: input.imageScanningConfiguration.scanOnPush ?? false } });
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, imageScanningConfiguration: repo.imageScanningConfiguration };
}
