import type { UpdateUserRequest } from '@aws-sdk/client-iam';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { findHolder, HOLDERS, iamArn, lookup, resolveUser } from './entities.js';

/**
 * Renames a user or moves it to another path. Its access keys and group memberships follow it; its ARN
 * changes, as in IAM (policies that named the old ARN no longer match).
 */
export async function updateUser(ctx: ControlContext, input: UpdateUserRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    const user = resolveUser(at, input.UserName!);
    const name = input.NewUserName ?? user.UserName;
    const path = input.NewPath ?? user.Path;
    const clash = name.toLowerCase() === user.UserName.toLowerCase() ? undefined : findHolder(at, HOLDERS.user, name);
    if (clash) throw new EntityAlreadyExists(`User with name ${name} already exists.`);
    if (name !== user.UserName) {
      tx.delete('iamUser', user.UserName);
      for (const key of ctx.state.all('iamAccessKey'))
        if (key.UserName === user.UserName) tx.put('iamAccessKey', key.AccessKeyId, { ...key, UserName: name });
      for (const group of ctx.state.all('iamGroup'))
        if (group.members.includes(user.UserName))
          tx.put('iamGroup', group.GroupName, { ...group, members: group.members.map((m) => (m === user.UserName ? name : m)) });
    }
    tx.put('iamUser', name, { ...user, UserName: name, Path: path, Arn: iamArn(ctx.partition, 'user', path, name) });
  });
  return {};
}
