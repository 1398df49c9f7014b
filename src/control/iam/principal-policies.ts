// The policies in force for an IAM identity, as the authorizer evaluates them on every call: the texts of
// its inline policies, of the default versions of its attached managed policies (AWS's included) and, for
// a user, of its groups' policies; and its permissions boundary's. Only reads, and returns texts, so that
// the caller can keep compiled policies by text.
import type { IamGroupRecord, IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import type { State } from '../state.js';
import { holderOfArn } from './entities.js';
import { defaultDocument, findPolicy } from './managed-policies.js';

export interface PrincipalPolicies {
  /** Inline and attached (default versions) policies, and a user's groups'. */
  identity: string[];
  /** The permissions boundary's default version. */
  boundary?: string;
}

/** A user or role ARN (with its path) to its policies; undefined when no such user or role exists. */
export function policiesOf(state: State, identityArn: string): PrincipalPolicies | undefined {
  const holder = holderOfArn(state, identityArn);
  if (!holder) return undefined;
  const identity = ownPolicies(state, holder);
  if ('UserName' in holder) for (const group of state.all('iamGroup')) if (group.members.includes(holder.UserName)) identity.push(...ownPolicies(state, group));
  const boundary = holder.PermissionsBoundary ? findPolicy(state, holder.PermissionsBoundary) : undefined;
  return boundary ? { identity, boundary: defaultDocument(boundary) } : { identity };
}

function ownPolicies(state: State, holder: IamUserRecord | IamGroupRecord | IamRoleRecord): string[] {
  const texts = Object.values(holder.inlinePolicies);
  for (const arn of holder.attachedPolicies) {
    const policy = findPolicy(state, arn);
    if (policy) texts.push(defaultDocument(policy));
  }
  return texts;
}
