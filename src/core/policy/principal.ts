// The Principal and NotPrincipal elements of resource and trust policies ("IAM JSON policy elements:
// Principal"), compiled into a test that also says how the caller matched, since evaluation depends on it:
// a resource policy that names the caller's own user or session ARN grants on its own and is not limited
// by a permissions boundary or session policy; one that names the role of a session grants without an
// identity policy but within the boundary and session policy; one that names the account only delegates
// to the account's identity policies (reference_policies_evaluation-logic, "resource-based policies").

import type { PrincipalFacts } from './evaluate.js';
import { isObject } from './conditions.js';

export type PrincipalMatch = 'none' | 'account' | 'role' | 'direct';
export type PrincipalTest = (principal: PrincipalFacts) => PrincipalMatch;

const RANK: Record<PrincipalMatch, number> = { none: 0, account: 1, role: 2, direct: 3 };

export class PrincipalSyntaxError extends Error {}

function awsEntry(value: string): PrincipalTest {
  if (value === '*') return () => 'direct';
  if (/^\d{12}$/.test(value)) return (p) => (p.accountId === value && !p.service ? 'account' : 'none');
  const root = /^arn:aws:iam::(\d{12}):root$/.exec(value);
  if (root) {
    const account = root[1]!;
    return (p) => (p.accountId === account && !p.service ? 'account' : 'none');
  }
  if (!/^arn:aws:(iam|sts)::\d{12}:.+/.test(value)) throw new PrincipalSyntaxError(`Invalid principal in policy: "AWS":"${value}"`);
  // A role's ARN matches the role's sessions (their aws:PrincipalArn is the role); any other ARN only itself.
  if (/^arn:aws:iam::\d{12}:role\//.test(value)) return (p) => (p.arn === value ? 'direct' : p.identityArn === value ? 'role' : 'none');
  return (p) => (p.arn === value ? 'direct' : 'none');
}

function entry(type: string, value: string): PrincipalTest {
  switch (type) {
    case 'AWS':
      return awsEntry(value);
    case 'Service':
      return (p) => (p.service === value ? 'direct' : 'none');
    case 'Federated':
    case 'CanonicalUser':
      return (p) => (p.arn === value ? 'direct' : 'none');
    default:
      throw new PrincipalSyntaxError('Syntax errors in policy.');
  }
}

/** The best match among the element's entries. */
export function compilePrincipal(element: unknown): PrincipalTest {
  if (element === '*') return () => 'direct';
  if (!isObject(element)) throw new PrincipalSyntaxError('Syntax errors in policy.');
  const tests: PrincipalTest[] = [];
  for (const [type, raw] of Object.entries(element)) {
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || !values.every((v) => typeof v === 'string')) throw new PrincipalSyntaxError('Syntax errors in policy.');
    for (const v of values as string[]) tests.push(entry(type, v));
  }
  return (p) => {
    let best: PrincipalMatch = 'none';
    for (const t of tests) {
      const m = t(p);
      if (RANK[m] > RANK[best]) best = m;
    }
    return best;
  };
}

/**
 * NotPrincipal: the statement applies to every principal the list does not name. A session is excluded
 * only by its own ARN or its account, not by its role's ARN (AWS asks for both ARNs to be listed).
 */
export function compileNotPrincipal(element: unknown): PrincipalTest {
  const named = compilePrincipal(element);
  return (p) => {
    const m = named(p);
    return m === 'none' || m === 'role' ? 'direct' : 'none';
  };
}
