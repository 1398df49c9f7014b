// How IAM names and finds its entities: ids, ARNs, the case-insensitive lookups by name with IAM's
// NoSuchEntity messages, and the three kinds that hold policies (users, groups, roles) described as one.
import type { Partition } from '../../core/arn.js';
import type { Caller } from '../../core/caller.js';
import { ValidationError } from '../../core/errors.js';
import type { IamGroupRecord, IamInstanceProfileRecord, IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import { InvalidInput, NoSuchEntity, UnmodifiableEntity } from '../../core/iam-errors.js';
import type { Ids } from '../../core/ports.js';
import type { RecordKinds } from '../../core/records.js';
import type { Index, State, Transaction } from '../state.js';
import { groupsByLowerName, instanceProfilesByLowerName, rolesByLowerName, usersByLowerName } from './indexes.js';

/** Reads inside a mutation see its staged writes through `tx`, and find names through the state's indexes. */
export interface Lookup {
  tx: Pick<Transaction, 'get'>;
  state: State;
}

export const lookup = (state: State, tx: Pick<Transaction, 'get'> = state): Lookup => ({ tx, state });

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** IAM's unique ids: a four-letter prefix that names the kind (AIDA user, AROA role...) and 17 base-32 characters. */
export function iamId(ids: Ids, prefix: 'AIDA' | 'AGPA' | 'AROA' | 'ANPA' | 'AIPA' | 'AKIA', length = 17): string {
  const bits = BigInt(`0x${ids.id()}`);
  let id = prefix;
  for (let i = 0; i < length; i++) id += BASE32[Number((bits >> BigInt(5 * i)) & 31n)];
  return id;
}

export const iamArn = (p: Partition, type: 'user' | 'group' | 'role' | 'policy' | 'instance-profile', path: string, name: string) =>
  `arn:aws:iam::${p.accountId}:${type}${path}${name}`;

/** The three kinds of identity that hold inline and attached policies. */
export type HolderKind = 'iamUser' | 'iamGroup' | 'iamRole';
export type HolderRecord = IamUserRecord | IamGroupRecord | IamRoleRecord;

export interface HolderType {
  kind: HolderKind;
  /** How IAM's messages name the kind ("The user with name X cannot be found."). */
  noun: 'user' | 'group' | 'role';
  /** The member that names one in requests and answers. */
  nameMember: 'UserName' | 'GroupName' | 'RoleName';
  index: Index<HolderKind>;
  nameOf(record: HolderRecord): string;
  idOf(record: HolderRecord): string;
  /** Aggregate size of its inline policies, in non-whitespace characters (IAM's quotas). */
  inlineQuota: number;
  /** Managed policies attached at most (IAM's default quota), with the quota's name in IAM's message. */
  attachQuota: { max: number; name: string };
}

export const HOLDERS: Record<'user' | 'group' | 'role', HolderType> = {
  user: {
    kind: 'iamUser',
    noun: 'user',
    nameMember: 'UserName',
    index: usersByLowerName as Index<HolderKind>,
    nameOf: (r) => (r as IamUserRecord).UserName,
    idOf: (r) => (r as IamUserRecord).UserId,
    inlineQuota: 2048,
    attachQuota: { max: 10, name: 'PoliciesPerUser' },
  },
  group: {
    kind: 'iamGroup',
    noun: 'group',
    nameMember: 'GroupName',
    index: groupsByLowerName as Index<HolderKind>,
    nameOf: (r) => (r as IamGroupRecord).GroupName,
    idOf: (r) => (r as IamGroupRecord).GroupId,
    inlineQuota: 5120,
    attachQuota: { max: 10, name: 'PoliciesPerGroup' },
  },
  role: {
    kind: 'iamRole',
    noun: 'role',
    nameMember: 'RoleName',
    index: rolesByLowerName as Index<HolderKind>,
    nameOf: (r) => (r as IamRoleRecord).RoleName,
    idOf: (r) => (r as IamRoleRecord).RoleId,
    inlineQuota: 10240,
    attachQuota: { max: 10, name: 'PoliciesPerRole' },
  },
};

/** A record by name, whatever the case the caller wrote it in. */
function findNamed<K extends HolderKind | 'iamInstanceProfile'>(at: Lookup, kind: K, index: Index<K>, nameOf: (record: RecordKinds[K]) => string, name: string): RecordKinds[K] | undefined {
  const exact = at.tx.get(kind, name);
  if (exact) return exact;
  const [found] = at.state.where(index, name.toLowerCase());
  return found ? at.tx.get(kind, nameOf(found)) : undefined;
}

export const findHolder = (at: Lookup, type: HolderType, name: string): HolderRecord | undefined =>
  findNamed(at, type.kind, type.index, type.nameOf, name);

export function resolveHolder(at: Lookup, type: HolderType, name: string): HolderRecord {
  const record = findHolder(at, type, name);
  if (!record) throw new NoSuchEntity(`The ${type.noun} with name ${name} cannot be found.`);
  return record;
}

export const resolveUser = (at: Lookup, name: string) => resolveHolder(at, HOLDERS.user, name) as IamUserRecord;
export const resolveGroup = (at: Lookup, name: string) => resolveHolder(at, HOLDERS.group, name) as IamGroupRecord;
export const resolveRole = (at: Lookup, name: string) => resolveHolder(at, HOLDERS.role, name) as IamRoleRecord;

export const findInstanceProfile = (at: Lookup, name: string): IamInstanceProfileRecord | undefined =>
  findNamed(at, 'iamInstanceProfile', instanceProfilesByLowerName, (p) => p.InstanceProfileName, name);

export function resolveInstanceProfile(at: Lookup, name: string): IamInstanceProfileRecord {
  const record = findInstanceProfile(at, name);
  if (!record) throw new NoSuchEntity(`Instance Profile ${name} cannot be found.`);
  return record;
}

/** Service-linked roles belong to their service: IAM refuses to change them through the ordinary calls. */
export function assertModifiable(role: IamRoleRecord): void {
  if (role.serviceLinkedTo)
    throw new UnmodifiableEntity(`Cannot perform the operation on the protected role '${role.RoleName}' - this role is only modifiable by AWS`);
}

/** An ARN the caller named (a policy, a boundary): IAM answers a malformed one with InvalidInput. */
export function validateArn(arn: string): void {
  if (!/^arn:aws[\w-]*:iam::(\d{12}|aws):[\w+=,.@/-]+$/.test(arn)) throw new InvalidInput(`ARN ${arn} is not valid.`);
}

/** A user, group or role ARN (with its path), as STS sessions and the authorizer name identities, to its record. */
export function holderOfArn(state: State, arn: string): HolderRecord | undefined {
  const match = /^arn:aws[\w-]*:iam::\d{12}:(user|group|role)(\/(?:.*\/)?)([^/]+)$/.exec(arn);
  if (!match) return undefined;
  const record = state.get(HOLDERS[match[1] as keyof typeof HOLDERS].kind, match[3]!) as HolderRecord | undefined;
  return record?.Arn === arn ? record : undefined;
}

/**
 * The user a call names, or else the user who calls (CreateAccessKey, ListAccessKeys... act on the caller
 * without a UserName). Wharf keeps no access keys of root's or of sessions' in IAM, so those must name one.
 */
export function namedOrCallingUser(at: Lookup, userName: string | undefined, caller: Caller): IamUserRecord {
  if (userName !== undefined) return resolveUser(at, userName);
  const self = caller.type === 'user' && caller.identityArn ? holderOfArn(at.state, caller.identityArn) : undefined;
  if (!self || !('UserName' in self)) throw new ValidationError('Must specify userName when calling with non-User credentials');
  return resolveUser(at, self.UserName);
}
