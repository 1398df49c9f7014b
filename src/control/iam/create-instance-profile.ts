import type { CreateInstanceProfileRequest, CreateInstanceProfileResponse } from '@aws-sdk/client-iam';
import type { IamTag } from '../../core/iam.js';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { describeInstanceProfile } from './describe.js';
import { findInstanceProfile, iamArn, iamId, lookup } from './entities.js';
import { validateTags } from './tags.js';

export async function createInstanceProfile(ctx: ControlContext, input: CreateInstanceProfileRequest): Promise<CreateInstanceProfileResponse> {
  const name = input.InstanceProfileName!;
  const path = input.Path ?? '/';
  const tags = (input.Tags ?? []) as IamTag[];
  validateTags(tags);
  const profile = await ctx.state.mutate((tx) => {
    if (findInstanceProfile(lookup(ctx.state, tx), name)) throw new EntityAlreadyExists(`Instance Profile ${name} already exists.`);
    return tx.put('iamInstanceProfile', name, {
      InstanceProfileName: name,
      InstanceProfileId: iamId(ctx.ids, 'AIPA'),
      Arn: iamArn(ctx.partition, 'instance-profile', path, name),
      Path: path,
      CreateDate: ctx.clock.now(),
      roles: [],
      Tags: tags,
    });
  });
  ctx.log.info('iam instance profile created', { instanceProfileArn: profile.Arn });
  return { InstanceProfile: describeInstanceProfile(ctx.state, profile, true) };
}
