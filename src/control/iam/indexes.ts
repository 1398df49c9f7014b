// IAM's secondary indexes over the control plane's state (see `defineIndex`). IAM names are unique without
// regard to case ("ADMIN" and "admin" cannot both exist) and are found the same way, so each named kind is
// filed under its lower-cased name.
import { defineIndex } from '../state.js';

export const usersByLowerName = defineIndex('iamUser', (u) => u.UserName.toLowerCase());
export const groupsByLowerName = defineIndex('iamGroup', (g) => g.GroupName.toLowerCase());
export const rolesByLowerName = defineIndex('iamRole', (r) => r.RoleName.toLowerCase());
export const instanceProfilesByLowerName = defineIndex('iamInstanceProfile', (p) => p.InstanceProfileName.toLowerCase());
export const accessKeysByUser = defineIndex('iamAccessKey', (k) => k.UserName);
