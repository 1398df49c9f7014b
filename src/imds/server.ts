// The instance metadata service of one instance, as EC2 serves it at 169.254.169.254 with IMDSv2: a PUT to
// /latest/api/token (with a TTL of 1 to 21600 seconds) gives a token that every GET must carry in
// X-aws-ec2-metadata-token. It serves the instance's identity (meta-data/*), its user data, its identity
// document and signature (dynamic/instance-identity/*) and its instance profile's credentials. Wharf serves
// it on a loopback port of its own per instance; the instance's agent is pointed at it through
// AWS_EC2_METADATA_SERVICE_ENDPOINT, which the AWS SDKs and CLI honour.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSign, randomBytes, type KeyObject } from 'node:crypto';
import { spotMetadata, type InstanceHost, type SpotInterruptionNotice } from '../core/ec2-instances.js';
import type { InstanceJoinDocument } from '../core/instance-join.js';

export const TOKEN_PATH = '/latest/api/token';
const MAX_TTL_S = 21_600;

export interface InstanceMetadataOptions {
  host: InstanceHost;
  accountId: string;
  /** Signs identity documents (EC2 signs with AWS's key; Wharf with its own). */
  signingKey: KeyObject;
  /** The clock, for token lifetimes and the document's pendingTime. */
  now(): number;
  /** Launch time, ISO 8601. */
  launchTime: string;
  /** The profile's current credentials (renewed before they expire), when not just the host's first session. */
  credentials?(): InstanceJoinDocument | undefined;
  /** The Spot interruption notice EC2 gave the instance, if any (spot/instance-action, spot/termination-time). */
  spotInterruption?(): SpotInterruptionNotice | undefined;
}

/** EC2's instance identity document (the fields and order EC2 writes). */
export function identityDocument(options: Pick<InstanceMetadataOptions, 'host' | 'accountId' | 'launchTime'>): string {
  const { host } = options;
  return JSON.stringify(
    {
      accountId: options.accountId,
      architecture: host.architecture,
      availabilityZone: host.availabilityZone,
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId: host.imageId,
      instanceId: host.instanceId,
      instanceType: host.instanceType,
      kernelId: null,
      pendingTime: options.launchTime,
      privateIp: host.privateIpAddress,
      ramdiskId: null,
      region: host.region,
      version: '2017-09-30',
    },
    null,
    2,
  );
}

function spotAnswer(options: InstanceMetadataOptions) {
  const notice = options.spotInterruption?.();
  return notice && spotMetadata(notice);
}

/** The metadata paths and their answers; a directory answers its entries, one a line. */
function paths(options: InstanceMetadataOptions): Map<string, () => string | undefined> {
  const { host } = options;
  const document = identityDocument(options);
  const signature = createSign('RSA-SHA256').update(document).sign(options.signingKey).toString('base64');
  const session = () => options.credentials?.() ?? host.credentials;
  const credentials = () => {
    const c = session();
    return c && JSON.stringify({ Code: c.Code, LastUpdated: c.LastUpdated, Type: c.Type, AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, Token: c.Token, Expiration: c.Expiration }, null, 2);
  };
  const meta: Record<string, () => string | undefined> = {
    'ami-id': () => host.imageId,
    'ami-launch-index': () => '0',
    hostname: () => host.privateDnsName,
    'instance-id': () => host.instanceId,
    'instance-life-cycle': () => (host.spot ? 'spot' : 'on-demand'),
    'instance-type': () => host.instanceType,
    'local-hostname': () => host.privateDnsName,
    'local-ipv4': () => host.privateIpAddress,
    mac: () => host.macAddress,
    'placement/availability-zone': () => host.availabilityZone,
    'placement/region': () => host.region,
    ...(host.credentials && {
      'iam/info': () =>
        JSON.stringify({ Code: 'Success', LastUpdated: session()!.LastUpdated, InstanceProfileArn: session()!.InstanceProfileArn, InstanceProfileId: session()!.InstanceProfileId }, null, 2),
      ...(host.roleName !== undefined && { [`iam/security-credentials/${host.roleName}`]: credentials }),
    }),
    // 404 until EC2 gives the notice, as on EC2.
    'spot/instance-action': () => spotAnswer(options)?.instanceAction,
    'spot/termination-time': () => spotAnswer(options)?.terminationTime,
  };
  const all = new Map<string, () => string | undefined>();
  for (const [path, answer] of Object.entries(meta)) all.set(`/latest/meta-data/${path}`, answer);
  all.set('/latest/dynamic/instance-identity/document', () => document);
  all.set('/latest/dynamic/instance-identity/signature', () => signature);
  if (host.userData !== undefined) all.set('/latest/user-data', () => host.userData);
  return all;
}

/** What a directory path lists: its direct entries (sub-directories with a trailing slash). */
function listing(all: Map<string, () => string | undefined>, dir: string): string | undefined {
  const entries = new Set<string>();
  for (const [path, answer] of all) {
    if (!path.startsWith(dir) || answer() === undefined) continue;
    const rest = path.slice(dir.length);
    const slash = rest.indexOf('/');
    entries.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return entries.size ? [...entries].join('\n') : undefined;
}

/** Serves one instance's metadata on a loopback port; resolves with its endpoint once it listens. */
export async function serveInstanceMetadata(options: InstanceMetadataOptions): Promise<{ endpoint: string; close(): Promise<void> }> {
  const tokens = new Map<string, number>();
  const all = paths(options);
  const answer = (res: ServerResponse, status: number, body = '') => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://imds').pathname;
    if (path === TOKEN_PATH) {
      if (req.method !== 'PUT') return answer(res, 405);
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_S) return answer(res, 400);
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, options.now() + ttl * 1000);
      return res.writeHead(200, { 'content-type': 'text/plain', 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) }).end(token);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405);
    // IMDSv2 only (HttpTokens: required, as Wharf launches instances).
    const token = req.headers['x-aws-ec2-metadata-token'];
    const expires = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expires === undefined || expires <= options.now()) return answer(res, 401);
    const body = all.get(path)?.() ?? listing(all, path.endsWith('/') ? path : `${path}/`);
    return body === undefined ? answer(res, 404, 'Not Found') : answer(res, 200, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
