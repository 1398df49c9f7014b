// STS's additions to the generic rule: GetCallerIdentity and GetSessionToken need no permission (AWS: "No
// permissions are required to perform this operation"), and AssumeRole authorises itself, since its
// decision joins the role's trust policy with the caller's identity policies (sessions.ts).
import type { ServiceRules } from '../authorization/rules.js';

export const stsRules: ServiceRules = {
  unauthorized: ['GetCallerIdentity', 'GetSessionToken', 'AssumeRole'],
};
