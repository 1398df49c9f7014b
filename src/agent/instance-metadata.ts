// What an agent on an EC2 instance learns from the instance metadata service (IMDSv2: a token first, then
// each path with it), as the ECS agent does at start: who the instance is, its identity document and
// signature (sent with RegisterContainerInstance), its user data (the ECS_* settings, ecs.config), and its
// instance profile's session, which it then renews itself (instance-credentials.ts).
import type { InstanceJoinDocument } from '../core/instance-join.js';
import { joinedFrom, type JoinedInstance } from './instance-credentials.js';

export interface InstanceMetadata {
  instanceId: string;
  instanceType: string;
  availabilityZone: string;
  privateIp: string;
  identityDocument: string;
  identitySignature: string;
  userData?: string;
  /** The instance profile's session, when the instance has a profile. */
  joined?: JoinedInstance;
}

/** One path of the metadata service (under latest/), with a fresh IMDSv2 token; undefined on 404. */
async function metadataReader(endpoint: string): Promise<(path: string) => Promise<string | undefined>> {
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  const tokenResponse = await fetch(new URL('latest/api/token', base), { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' } });
  if (!tokenResponse.ok) throw new Error(`the instance metadata service refused a token: HTTP ${tokenResponse.status}`);
  const token = await tokenResponse.text();
  return async (path) => {
    const res = await fetch(new URL(`latest/${path}`, base), { headers: { 'x-aws-ec2-metadata-token': token } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`instance metadata ${path}: HTTP ${res.status}`);
    return res.text();
  };
}

/** Whether EC2 has given this Spot instance its interruption notice (spot/instance-action answers). */
export async function spotInterruptionNoticed(endpoint: string): Promise<boolean> {
  const get = await metadataReader(endpoint);
  return (await get('meta-data/spot/instance-action')) !== undefined;
}

/** Reads the instance's metadata from `endpoint` (AWS_EC2_METADATA_SERVICE_ENDPOINT). */
export async function readInstanceMetadata(endpoint: string): Promise<InstanceMetadata> {
  const get = await metadataReader(endpoint);
  const need = async (path: string) => {
    const value = await get(path);
    if (value === undefined) throw new Error(`instance metadata ${path} is missing`);
    return value;
  };
  const [instanceId, instanceType, availabilityZone, privateIp, identityDocument, identitySignature, userData] = await Promise.all([
    need('meta-data/instance-id'),
    need('meta-data/instance-type'),
    need('meta-data/placement/availability-zone'),
    need('meta-data/local-ipv4'),
    need('dynamic/instance-identity/document'),
    need('dynamic/instance-identity/signature'),
    get('user-data'),
  ]);
  const info = await get('meta-data/iam/info');
  const role = info === undefined ? undefined : (await need('meta-data/iam/security-credentials/')).split('\n')[0];
  let joined: JoinedInstance | undefined;
  if (info !== undefined && role) {
    const profile = JSON.parse(info) as { InstanceProfileArn: string; InstanceProfileId: string };
    const credentials = JSON.parse(await need(`meta-data/iam/security-credentials/${role}`)) as InstanceJoinDocument;
    joined = joinedFrom({ ...credentials, InstanceId: instanceId, InstanceProfileArn: profile.InstanceProfileArn, InstanceProfileId: profile.InstanceProfileId });
  }
  return { instanceId, instanceType, availabilityZone, privateIp, identityDocument, identitySignature, ...(userData !== undefined && { userData }), ...(joined && { joined }) };
}
