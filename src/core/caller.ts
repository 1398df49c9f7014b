// Who is calling, as SigV4 established it: what control-plane operations record (registeredBy) and, with
// IAM, what policies are evaluated for.

export interface Caller {
  accessKeyId: string;
  accountId: string;
  /** The principal's ARN (root: arn:aws:iam::<account>:root). */
  arn: string;
}

export interface CallContext {
  requestId: string;
  caller: Caller;
  region: string;
}
