import type { CreatePolicyRequest, CreatePolicyResponse } from '@aws-sdk/client-iam';
import type { IamPolicyRecord, IamTag } from '../../core/iam.js';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { iamArn, iamId } from './entities.js';
import { describePolicy, policyUsage } from './managed-policies.js';
import { validateManagedDocument } from './policy-documents.js';
import { validateTags } from './tags.js';

/** A customer managed policy, its document as version v1 (the default). Names are unique in the account, whatever the path. */
export async function createPolicy(ctx: ControlContext, input: CreatePolicyRequest): Promise<CreatePolicyResponse> {
  const name = input.PolicyName!;
  const path = input.Path ?? '/';
  validateManagedDocument(input.PolicyDocument!);
  const tags = (input.Tags ?? []) as IamTag[];
  validateTags(tags);
  const policy = await ctx.state.mutate((tx) => {
    if ([...ctx.state.all('iamPolicy')].some((p) => p.PolicyName.toLowerCase() === name.toLowerCase()))
      throw new EntityAlreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    const now = ctx.clock.now();
    const record: IamPolicyRecord = {
      PolicyName: name,
      PolicyId: iamId(ctx.ids, 'ANPA'),
      Arn: iamArn(ctx.partition, 'policy', path, name),
      Path: path,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      CreateDate: now,
      UpdateDate: now,
      DefaultVersionId: 'v1',
      versions: [{ VersionId: 'v1', Document: input.PolicyDocument!, CreateDate: now }],
      nextVersion: 2,
      Tags: tags,
    };
    return tx.put('iamPolicy', record.Arn, record);
  });
  ctx.log.info('iam policy created', { policyArn: policy.Arn });
  const { Description: _omitted, ...created } = describePolicy(policy, policyUsage(ctx.state), true);
  return { Policy: created };
}
