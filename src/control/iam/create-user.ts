import type { CreateUserRequest, CreateUserResponse } from '@aws-sdk/client-iam';
import type { IamTag, IamUserRecord } from '../../core/iam.js';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { describeUser } from './describe.js';
import { findHolder, HOLDERS, iamArn, iamId, lookup } from './entities.js';
import { resolveBoundary } from './managed-policies.js';
import { validateTags } from './tags.js';

export async function createUser(ctx: ControlContext, input: CreateUserRequest): Promise<CreateUserResponse> {
  const name = input.UserName!;
  const path = input.Path ?? '/';
  const tags = (input.Tags ?? []) as IamTag[];
  validateTags(tags);
  const user = await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    if (findHolder(at, HOLDERS.user, name)) throw new EntityAlreadyExists(`User with name ${name} already exists.`);
    const record: IamUserRecord = {
      UserName: name,
      UserId: iamId(ctx.ids, 'AIDA'),
      Arn: iamArn(ctx.partition, 'user', path, name),
      Path: path,
      CreateDate: ctx.clock.now(),
      ...(input.PermissionsBoundary ? { PermissionsBoundary: resolveBoundary(tx, input.PermissionsBoundary) } : {}),
      Tags: tags,
      inlinePolicies: {},
      attachedPolicies: [],
    };
    return tx.put('iamUser', name, record);
  });
  ctx.log.info('iam user created', { userArn: user.Arn });
  return { User: describeUser(user, true) };
}
