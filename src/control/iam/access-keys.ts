// Finding a user's access key as the key calls name it: by id, within the named (or calling) user.
import type { Caller } from '../../core/caller.js';
import type { IamAccessKeyRecord } from '../../core/iam.js';
import { NoSuchEntity } from '../../core/iam-errors.js';
import { namedOrCallingUser, type Lookup } from './entities.js';

export function resolveAccessKey(at: Lookup, accessKeyId: string, userName: string | undefined, caller: Caller): IamAccessKeyRecord {
  const user = namedOrCallingUser(at, userName, caller);
  const key = at.tx.get('iamAccessKey', accessKeyId);
  if (!key || key.UserName !== user.UserName) throw new NoSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
  return key;
}
