import type { UpdateGroupRequest } from '@aws-sdk/client-iam';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { findHolder, HOLDERS, iamArn, lookup, resolveGroup } from './entities.js';

/** Renames a group or moves it to another path; its members and policies stay with it. */
export async function updateGroup(ctx: ControlContext, input: UpdateGroupRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    const group = resolveGroup(at, input.GroupName!);
    const name = input.NewGroupName ?? group.GroupName;
    const path = input.NewPath ?? group.Path;
    if (name.toLowerCase() !== group.GroupName.toLowerCase() && findHolder(at, HOLDERS.group, name))
      throw new EntityAlreadyExists(`Group with name ${name} already exists.`);
    if (name !== group.GroupName) tx.delete('iamGroup', group.GroupName);
    tx.put('iamGroup', name, { ...group, GroupName: name, Path: path, Arn: iamArn(ctx.partition, 'group', path, name) });
  });
  return {};
}
