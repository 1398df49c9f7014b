// Policy documents as IAM takes and gives them: validated by the policy grammar on the way in (AWS's
// MalformedPolicyDocument), held to IAM's size quotas, and URL-encoded on the way out, as IAM answers
// every document (GetRole, GetRolePolicy, GetPolicyVersion...): the AWS CLI and Terraform decode them.
import { LimitExceeded } from '../../core/iam-errors.js';
import { compilePolicy, policySize } from '../../core/policy/compile.js';

export type DocumentKind = 'identity' | 'trust' | 'boundary';

/** IAM's default quotas, in characters other than whitespace. */
export const MANAGED_POLICY_QUOTA = 6144;
export const TRUST_POLICY_QUOTA = 2048;

/** Throws MalformedPolicyDocument unless `text` is a valid policy of `kind`. */
export function validateDocument(text: string, kind: DocumentKind): void {
  compilePolicy(text, kind);
}

export function validateManagedDocument(text: string): void {
  validateDocument(text, 'identity');
  if (policySize(text) > MANAGED_POLICY_QUOTA) throw new LimitExceeded(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_QUOTA}`);
}

export function validateTrustDocument(text: string): void {
  validateDocument(text, 'trust');
  if (policySize(text) > TRUST_POLICY_QUOTA) throw new LimitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`);
}

export { policySize };

/** RFC 3986 percent-encoding (encodeURIComponent also escapes !'()*), as IAM returns policy documents. */
export const encodeDocument = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
