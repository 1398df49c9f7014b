// FARGATE_SPOT interruptions on demand: `wharf spot-interrupt` asks the server (a SigV4-signed POST by the
// account's root, as the other internal endpoints) to interrupt spot tasks now, as AWS does when it takes its
// capacity back; the server's side of it is `serveSpotInterruptions`.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { signedPost } from '../agent/instance-credentials.js';
import { AccessDeniedException, SerializationException } from '../core/errors.js';
import type { ControlContext } from '../control/context.js';
import { interruptSpotTasks, selectSpotTasks, type SpotSelection } from '../control/ecs/spot-interruptions.js';
import type { Authenticate } from '../protocol/gateway.js';
import { DEFAULTS, dataDirPath, loadSettings, rootCredentials } from './config.js';
import { readSmallBody } from './instance-join.js';

export const SPOT_INTERRUPTIONS_PATH = '/_wharf/spot-interruptions';

function parseSelection(body: Buffer): SpotSelection {
  try {
    const s = JSON.parse(body.toString('utf8') || '{}') as SpotSelection;
    const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (
      typeof s === 'object' && s !== null &&
      (s.cluster === undefined || typeof s.cluster === 'string') &&
      (s.tasks === undefined || strings(s.tasks)) &&
      (s.count === undefined || (Number.isInteger(s.count) && s.count >= 0))
    ) return s;
  } catch {
    // answered below
  }
  throw new SerializationException('The request must be {"cluster"?: string, "tasks"?: [string], "count"?: integer}');
}

/** Serves the interruption request (returning true), or leaves the request to the other routes (false). */
export async function serveSpotInterruptions(
  contextOf: (region: string) => Promise<ControlContext>,
  rootArn: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticate,
): Promise<boolean> {
  if (req.method !== 'POST' || req.url !== SPOT_INTERRUPTIONS_PATH) return false;
  const body = await readSmallBody(req);
  const call = authenticate(body);
  if (rootArn !== undefined && call.caller.arn !== rootArn) throw new AccessDeniedException('Only the root user may interrupt spot tasks');
  const taskArns = await interruptSpotTasks(await contextOf(call.region), selectSpotTasks(parseSelection(body)));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ taskArns }));
  return true;
}

/** `wharf spot-interrupt [--cluster NAME] [--task ARN]... [--count N]`: prints the tasks interrupted. */
export async function spotInterruptCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cluster: { type: 'string' },
      task: { type: 'string', multiple: true },
      count: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const dataDir = dataDirPath(values['data-dir'] ?? DEFAULTS.dataDir);
  const saved = loadSettings(dataDir);
  const endpoint = values.endpoint ?? `${saved.caBundle ? 'https' : 'http'}://${saved.host === '0.0.0.0' ? '127.0.0.1' : (saved.host ?? DEFAULTS.host)}:${saved.port ?? DEFAULTS.port}`;
  const count = values.count === undefined ? undefined : Number(values.count);
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) throw new Error(`--count must be a whole number, not ${values.count}`);
  const selection: SpotSelection = { ...(values.cluster && { cluster: values.cluster }), ...(values.task && { tasks: values.task }), ...(count !== undefined && { count }) };
  const ca = saved.caBundle ? readFileSync(saved.caBundle, 'utf8') : undefined;
  const answer = (await signedPost(endpoint, SPOT_INTERRUPTIONS_PATH, values.region ?? saved.region ?? DEFAULTS.region, rootCredentials(dataDir), selection, ca, 'ecs')) as {
    taskArns: string[];
  };
  for (const arn of answer.taskArns) process.stdout.write(`${arn}\n`);
}
