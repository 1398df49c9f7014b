// Wharf's own endpoints for the account's root (`wharf cost`, `wharf spot-interrupt`): a JSON POST signed
// with SigV4 like any AWS call, answered in the region its signature names; and the CLI's side, which signs
// with the root credentials of the Wharf whose data dir it is given.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedPost } from '../agent/instance-credentials.js';
import { AccessDeniedException } from '../core/errors.js';
import type { ControlContext } from '../control/context.js';
import type { Authenticate } from '../protocol/gateway.js';
import { DEFAULTS, dataDirPath, loadSettings, rootCredentials } from './config.js';
import { readSmallBody } from './instance-join.js';

/** The signing name of operator requests. */
const SIGNING_NAME = 'ecs';

/** Serves one operator endpoint: `answer` gets the region's context and the body, its result goes out as JSON. */
export type OperatorRoute = (
  contextOf: (region: string) => Promise<ControlContext>,
  /** Who may call it (undefined: anyone authenticated, as with --auth permissive). */
  rootArn: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticate,
) => Promise<boolean>;

export function operatorRoute(path: string, what: string, answer: (ctx: ControlContext, body: Buffer) => Promise<unknown>): OperatorRoute {
  return async (contextOf, rootArn, req, res, authenticate) => {
    if (req.method !== 'POST' || req.url !== path) return false;
    const body = await readSmallBody(req);
    const call = authenticate(body);
    if (rootArn !== undefined && call.caller.arn !== rootArn) throw new AccessDeniedException(`Only the root user may ${what}`);
    const result = await answer(await contextOf(call.region), body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    return true;
  };
}

/** The options every operator verb takes to find its Wharf. */
export const OPERATOR_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** Calls an operator endpoint of the Wharf whose data dir `options` names (its saved address, its root keys). */
export async function callOperator(path: string, body: unknown, options: { endpoint?: string; region?: string; 'data-dir'?: string }): Promise<unknown> {
  const dataDir = dataDirPath(options['data-dir'] ?? DEFAULTS.dataDir);
  const saved = loadSettings(dataDir);
  const host = saved.host === '0.0.0.0' ? '127.0.0.1' : (saved.host ?? DEFAULTS.host);
  const endpoint = options.endpoint ?? `${saved.caBundle ? 'https' : 'http'}://${host}:${saved.port ?? DEFAULTS.port}`;
  const ca = saved.caBundle ? readFileSync(saved.caBundle, 'utf8') : undefined;
  return signedPost(endpoint, path, options.region ?? saved.region ?? DEFAULTS.region, rootCredentials(dataDir), body, ca, SIGNING_NAME);
}
