// The join step: how an agent host gets its instance profile's credentials, as an EC2 instance gets them
// from its metadata service. An operator (with their own credentials, allowed to launch an instance with
// that profile: ec2:RunInstances and iam:PassRole on its role) signs one JOIN request; Wharf allocates the
// instance an id and answers with a session of the profile's role bound to it. From then on the agent signs
// with that session only, and renews it through REFRESH, which only the instance's own session may call.
// The documents are IMDS's (iam/info and iam/security-credentials/<role>), with the instance id added.

export const INSTANCE_JOIN_PATH = '/_wharf/agent/join';
export const INSTANCE_CREDENTIALS_PATH = '/_wharf/agent/credentials';
/** The signing name of both requests: joining is launching an EC2 instance. */
export const INSTANCE_JOIN_SIGNING_NAME = 'ec2';

/** The JOIN request's body: the profile, by name or ARN, as RunInstances' IamInstanceProfile names it. */
export interface InstanceJoinRequest {
  IamInstanceProfile: { Name?: string; Arn?: string };
}

/** IMDS's security-credentials document: what REFRESH answers. */
export interface InstanceCredentialsDocument {
  Code: 'Success';
  LastUpdated: string;
  Type: 'AWS-HMAC';
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  /** ISO 8601. */
  Expiration: string;
}

/** What JOIN answers: the instance, its profile (IMDS's iam/info) and its first credentials. */
export interface InstanceJoinDocument extends InstanceCredentialsDocument {
  /** `i-` and 17 hex digits, as EC2's. */
  InstanceId: string;
  InstanceProfileArn: string;
  InstanceProfileId: string;
}
