// The join step on the server (core/instance-join.ts): its two internal endpoints on the gateway (JSON in,
// JSON out, each request SigV4-signed over its body; refusals in the gateway's JSON error form), and the
// local agent's own join, made in-process as the root of the account.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { joinedFrom, type JoinedInstance } from '../agent/instance-credentials.js';
import { readRegistration } from '../agent/registration.js';
import type { CallContext } from '../core/caller.js';
import { SerializationException } from '../core/errors.js';
import { INSTANCE_CREDENTIALS_PATH, INSTANCE_JOIN_PATH, type InstanceJoinRequest } from '../core/instance-join.js';
import type { ControlContext } from '../control/context.js';
import type { Permit } from '../control/authorization/authorizer.js';
import { ECS_INSTANCE_ROLE, joinInstance, refreshInstanceCredentials } from '../control/iam/instance-join.js';
import type { Authenticate } from '../protocol/gateway.js';

/** Both requests are a few hundred bytes. */
const MAX_BODY_BYTES = 16 * 1024;

/** Serves JOIN and REFRESH (returning true), or leaves the request to the other routes (false). */
export async function serveInstanceJoin(
  ctx: ControlContext,
  permit: Permit | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticate,
): Promise<boolean> {
  if (req.method !== 'POST' || (req.url !== INSTANCE_JOIN_PATH && req.url !== INSTANCE_CREDENTIALS_PATH)) return false;
  const body = await readSmallBody(req);
  const call = authenticate(body);
  const answer =
    req.url === INSTANCE_JOIN_PATH
      ? await joinInstance(ctx, call, parseJoin(body), permit)
      : await refreshInstanceCredentials(ctx, call);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  return true;
}

/**
 * The local agent's instance of `ecsInstanceRole`: the EC2 instance id its container instance already has
 * (so a restart re-registers the same instance), or a new one; a fresh session either way.
 */
export async function joinLocalInstance(ctx: ControlContext, call: CallContext, agentDataDir: string): Promise<JoinedInstance> {
  const registered = await readRegistration(agentDataDir);
  const previous = registered && ctx.state.get('containerInstance', registered.containerInstanceArn);
  const request = { IamInstanceProfile: { Name: ECS_INSTANCE_ROLE } };
  return joinedFrom(await joinInstance(ctx, call, request, undefined, previous?.ec2InstanceId));
}

function parseJoin(body: Buffer): InstanceJoinRequest {
  try {
    const request = JSON.parse(body.toString('utf8')) as InstanceJoinRequest;
    if (typeof request?.IamInstanceProfile === 'object' && request.IamInstanceProfile !== null) return request;
  } catch {
    // answered below
  }
  throw new SerializationException('The join request must be {"IamInstanceProfile":{"Name":"..."}} or {"IamInstanceProfile":{"Arn":"..."}}');
}

/** A request body of at most 16 KiB (internal endpoints' JSON). */
export function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new SerializationException(`The request body is larger than ${MAX_BODY_BYTES} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
