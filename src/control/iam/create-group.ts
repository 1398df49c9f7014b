import type { CreateGroupRequest, CreateGroupResponse } from '@aws-sdk/client-iam';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { describeGroup } from './describe.js';
import { findHolder, HOLDERS, iamArn, iamId, lookup } from './entities.js';

export async function createGroup(ctx: ControlContext, input: CreateGroupRequest): Promise<CreateGroupResponse> {
  const name = input.GroupName!;
  const path = input.Path ?? '/';
  const group = await ctx.state.mutate((tx) => {
    if (findHolder(lookup(ctx.state, tx), HOLDERS.group, name)) throw new EntityAlreadyExists(`Group with name ${name} already exists.`);
    return tx.put('iamGroup', name, {
      GroupName: name,
      GroupId: iamId(ctx.ids, 'AGPA'),
      Arn: iamArn(ctx.partition, 'group', path, name),
      Path: path,
      CreateDate: ctx.clock.now(),
      inlinePolicies: {},
      attachedPolicies: [],
      members: [],
    });
  });
  ctx.log.info('iam group created', { groupArn: group.Arn });
  return { Group: describeGroup(group) };
}
