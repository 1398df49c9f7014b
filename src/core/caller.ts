// Who is calling, as SigV4 and IAM established it: what control-plane operations record (registeredBy) and
// what the authorisation step evaluates policies for.

/** The kinds of principal AWS signs calls as, and S3's anonymous principal (an unsigned request). */
export type PrincipalType = 'root' | 'user' | 'assumed-role' | 'anonymous';

export interface Caller {
  accessKeyId: string;
  accountId: string;
  /**
   * The principal's ARN as GetCallerIdentity answers it: root `arn:aws:iam::<account>:root`, a user
   * `arn:aws:iam::<account>:user/<path><name>`, a role session `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
   */
  arn: string;
  /** Root when absent (the permissive mode's callers and Wharf's own internal calls). */
  type?: PrincipalType;
  /** GetCallerIdentity's UserId: the account id for root, AIDA... for a user, AROA...:<session> for a role session. */
  userId?: string;
  /** The IAM identity whose policies apply: the user's ARN, or the role's ARN (`arn:aws:iam::<account>:role/<path><name>`) for a session. */
  identityArn?: string;
  /** Temporary credentials only: what the session was issued with. */
  session?: CallerSession;
}

/**
 * Whoever sends an unsigned request (S3 serves them): no account, no identity policies, so only a resource
 * policy that grants `"Principal": "*"` lets it through.
 */
export const ANONYMOUS: Caller = { accessKeyId: '', accountId: '', arn: 'anonymous', type: 'anonymous' };

/** What an STS session carries beyond its identity (AssumeRole, GetSessionToken, task and instance roles). */
export interface CallerSession {
  /** When the credentials expire. */
  expiration: Date;
  /** The inline session policy (AssumeRole `Policy`), as JSON text. */
  policy?: string;
  /** Managed session policies (AssumeRole `PolicyArns`). */
  policyArns?: string[];
  /** Session tags: aws:PrincipalTag/<key> during the session. */
  tags?: Record<string, string>;
  /** The tag keys that pass on to sessions this one assumes (role chaining). */
  transitiveTagKeys?: string[];
  /** The source identity (sts:SourceIdentity). */
  sourceIdentity?: string;
  /** The ECS task this session's credentials were issued to (task roles): revoked when it stops. */
  taskArn?: string;
  /** The (Wharf-issued) EC2 instance id this session's instance-profile credentials belong to: the agent host they identify. */
  instanceId?: string;
}

export interface CallContext {
  requestId: string;
  caller: Caller;
  region: string;
  /** The caller's address, for aws:SourceIp. */
  sourceIp?: string;
  /** Whether the request came over TLS, for aws:SecureTransport. */
  secureTransport?: boolean;
}
