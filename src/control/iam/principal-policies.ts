// The policies in force for an IAM identity, as the authorizer evaluates them on every call: the texts of
// its inline policies, of the default versions of its attached managed policies (AWS's included) and, for
// a user, of its groups' policies; and its permissions boundary's. Only reads, and returns texts, so that
// the caller can keep compiled policies by text. The policy simulator takes them with their sources.
import type { IamGroupRecord, IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import type { State } from '../state.js';
import { holderOfArn } from './entities.js';
import { defaultDocument, findPolicy, isAwsManaged } from './managed-policies.js';

export interface PrincipalPolicies {
  /** Inline and attached (default versions) policies, and a user's groups'. */
  identity: string[];
  /** The permissions boundary's default version. */
  boundary?: string;
}

/** A user or role ARN (with its path) to its policies; undefined when no such user or role exists. */
export function policiesOf(state: State, identityArn: string): PrincipalPolicies | undefined {
  const sources = policySourcesOf(state, identityArn);
  if (!sources) return undefined;
  const identity = sources.identity.map((s) => s.document);
  return sources.boundary ? { identity, boundary: sources.boundary.document } : { identity };
}

/** Where a policy in force comes from, as the simulator's MatchedStatements name it. */
export interface PolicySource {
  /** The inline policy's name, or the managed policy's. */
  id: string;
  /** 'none': a policy given to the simulator in the request. */
  type: 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'none';
  document: string;
}

/** A user, group or role ARN to its policies and their sources. */
export function policySourcesOf(state: State, identityArn: string): { identity: PolicySource[]; boundary?: PolicySource } | undefined {
  const holder = holderOfArn(state, identityArn);
  if (!holder) return undefined;
  const identity = ownPolicies(state, holder);
  if ('UserName' in holder) for (const group of state.all('iamGroup')) if (group.members.includes(holder.UserName)) identity.push(...ownPolicies(state, group));
  const boundaryArn = 'PermissionsBoundary' in holder ? holder.PermissionsBoundary : undefined;
  const boundary = boundaryArn ? managedSource(state, boundaryArn) : undefined;
  return boundary ? { identity, boundary } : { identity };
}

function ownPolicies(state: State, holder: IamUserRecord | IamGroupRecord | IamRoleRecord): PolicySource[] {
  const type = 'UserName' in holder ? 'user' : 'GroupName' in holder ? 'group' : 'role';
  const sources: PolicySource[] = Object.entries(holder.inlinePolicies).map(([id, document]) => ({ id, type, document }));
  for (const arn of holder.attachedPolicies) {
    const source = managedSource(state, arn);
    if (source) sources.push(source);
  }
  return sources;
}

function managedSource(state: State, arn: string): PolicySource | undefined {
  const policy = findPolicy(state, arn);
  return policy && { id: policy.PolicyName, type: isAwsManaged(arn) ? 'aws-managed' : 'user-managed', document: defaultDocument(policy) };
}
