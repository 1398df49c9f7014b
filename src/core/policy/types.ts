// The shapes IAM policy evaluation works on: a policy document as AWS's grammar defines it, and one
// authorisation request (an action on a resource, with its condition keys). Pure data.

/** A policy document, parsed from JSON (identity, resource, trust, session policies and boundaries). */
export interface PolicyDocument {
  Version?: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: PolicyStatement[];
}

export type OneOrMany<T> = T | T[];

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, OneOrMany<string>>;
  NotPrincipal?: '*' | Record<string, OneOrMany<string>>;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  /** operator -> condition key -> values */
  Condition?: Record<string, Record<string, OneOrMany<string | number | boolean>>>;
}

/** Values of condition keys in one request: single-valued keys as a string, multivalued keys as a list. */
export type ConditionContext = Record<string, string | string[] | undefined>;

/** One thing to authorise: `action` (`ecs:RunTask`) on `resource` (an ARN, or `*`), with its condition keys. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** The request's keys: global ones (aws:SourceIp, aws:PrincipalArn...) and the service's (ecs:cluster). Keys are matched case-insensitively. */
  context: ConditionContext;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
