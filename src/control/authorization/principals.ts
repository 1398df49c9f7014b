// Whose policies apply to a caller, compiled. A user: its inline and attached policies and its groups',
// and its permissions boundary; a role session: its role's, the role's boundary, and the session's own
// policies (AssumeRole `Policy` and `PolicyArns`). Gathered per identity and kept until IAM changes;
// compiled once per distinct document text, however many identities hold it (AWS managed policies are
// shared by most).
import type { Caller } from '../../core/caller.js';
import { compilePolicy, type CompiledPolicy, type PolicyKind } from '../../core/policy/compile.js';
import type { EvaluationInput } from '../../core/policy/evaluate.js';
import { referencedKeys } from '../../core/policy/keys.js';
import { holderOfArn } from '../iam/entities.js';
import { defaultDocument, findPolicy } from '../iam/managed-policies.js';
import { policiesOf } from '../iam/principal-policies.js';
import type { State } from '../state.js';
import { Decisions } from './decisions.js';

// Past this many distinct documents the cache starts over (documents edited many times leave old texts).
const MAX_COMPILED = 10_000;

/** Policies compiled once per (kind, text). */
export class PolicyCompiler {
  private readonly compiled = new Map<string, CompiledPolicy>();

  compile(text: string, kind: PolicyKind): CompiledPolicy {
    const key = `${kind}\0${text}`;
    let policy = this.compiled.get(key);
    if (!policy) {
      if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
      this.compiled.set(key, (policy = compilePolicy(text, kind)));
    }
    return policy;
  }
}

/** What an identity (user or role) brings to every call it makes. */
export interface Identity {
  identityPolicies: CompiledPolicy[];
  permissionsBoundary?: CompiledPolicy;
  /** The user's or role's tags: aws:PrincipalTag/* (a session's tags override the role's). */
  tags: Record<string, string>;
  /** Its decisions, for calls without session policies. */
  decisions: Decisions;
}

const NOBODY: Identity = { identityPolicies: [], tags: {}, decisions: new Decisions(new Set()) };

export class Principals {
  private readonly identities = new Map<string, Identity>();

  constructor(
    private readonly state: State,
    private readonly compiler = new PolicyCompiler(),
  ) {
    // Any IAM change may change anyone's policies (a managed policy's default version, a group's members).
    // Following uncommitted memory, so that a policy checked within a mutation (RunTask's check that ECS can
    // assume the task's roles) reads the IAM writes of the mutations before it in its batch.
    state.subscribe(
      (changes) => {
        if (changes.some((change) => change.kind.startsWith('iam'))) this.identities.clear();
      },
      { uncommitted: true },
    );
  }

  /** The identity's policies and tags; an identity that no longer exists has none (so it is denied everything). */
  identity(identityArn: string): Identity {
    let identity = this.identities.get(identityArn);
    if (!identity) this.identities.set(identityArn, (identity = this.gather(identityArn)));
    return identity;
  }

  /** What the evaluator needs for a caller other than root. */
  evaluationInput(caller: Caller): EvaluationInput & { tags: Record<string, string>; decisions?: Decisions } {
    const identityArn = caller.identityArn ?? caller.arn;
    const identity = this.identity(identityArn);
    const session = caller.session;
    const sessionPolicies = session && (session.policy || session.policyArns?.length) ? this.sessionPolicies(session.policy, session.policyArns) : undefined;
    return {
      principal: { arn: caller.arn, identityArn, accountId: caller.accountId },
      identityPolicies: identity.identityPolicies,
      ...(identity.permissionsBoundary && { permissionsBoundary: identity.permissionsBoundary }),
      ...(sessionPolicies && { sessionPolicies }),
      resourceAccountId: caller.accountId,
      tags: session?.tags ? { ...identity.tags, ...session.tags } : identity.tags,
      // A session's policies are its own: decisions are kept for the identity's policies alone.
      ...(!sessionPolicies && { decisions: identity.decisions }),
    };
  }

  private gather(identityArn: string): Identity {
    const policies = policiesOf(this.state, identityArn);
    if (!policies) return NOBODY;
    const holder = holderOfArn(this.state, identityArn);
    const identityPolicies = policies.identity.map((text) => this.compiler.compile(text, 'identity'));
    const permissionsBoundary = policies.boundary === undefined ? undefined : this.compiler.compile(policies.boundary, 'boundary');
    const keys = new Set<string>();
    for (const policy of permissionsBoundary ? [...identityPolicies, permissionsBoundary] : identityPolicies) for (const key of referencedKeys(policy)) keys.add(key);
    return {
      identityPolicies,
      ...(permissionsBoundary && { permissionsBoundary }),
      tags: Object.fromEntries((holder && 'Tags' in holder ? holder.Tags : []).map((tag) => [tag.Key, tag.Value])),
      decisions: new Decisions(keys),
    };
  }

  /** A session's policies: the inline one and the managed ones it was issued with (a deleted one grants nothing). */
  private sessionPolicies(inline: string | undefined, arns: string[] = []): CompiledPolicy[] {
    const texts = inline ? [inline] : [];
    for (const arn of arns) {
      const policy = findPolicy(this.state, arn);
      if (policy) texts.push(defaultDocument(policy));
    }
    return texts.map((text) => this.compiler.compile(text, 'session'));
  }
}
