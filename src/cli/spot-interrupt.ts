// Spot interruptions on demand: `wharf spot-interrupt` asks the server (a SigV4-signed POST by the account's
// root, as the other internal endpoints) to interrupt FARGATE_SPOT tasks, or with --instance Spot instances
// (EC2's two-minute notice), now, as AWS does when it takes its capacity back; the server's side of it is
// `serveSpotInterruptions`.
import { parseArgs } from 'node:util';
import { SerializationException } from '../core/errors.js';
import { interruptSpotInstances, selectSpotInstances } from '../control/ec2/spot-instance-interruptions.js';
import { interruptSpotTasks, selectSpotTasks, type SpotSelection } from '../control/ecs/spot-interruptions.js';
import { callOperator, OPERATOR_OPTIONS, operatorRoute } from './operator-endpoints.js';

export const SPOT_INTERRUPTIONS_PATH = '/_wharf/spot-interruptions';

/** Spot tasks, or with `instances` these Spot instances (ids). */
type Selection = SpotSelection & { instances?: string[] };

function parseSelection(body: Buffer): Selection {
  try {
    const s = JSON.parse(body.toString('utf8') || '{}') as Selection;
    const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (
      typeof s === 'object' && s !== null &&
      (s.cluster === undefined || typeof s.cluster === 'string') &&
      (s.tasks === undefined || strings(s.tasks)) &&
      (s.instances === undefined || strings(s.instances)) &&
      (s.count === undefined || (Number.isInteger(s.count) && s.count >= 0))
    ) return s;
  } catch {
    // answered below
  }
  throw new SerializationException('The request must be {"cluster"?: string, "tasks"?: [string], "count"?: integer, "instances"?: [string]}');
}

/** Interrupts the spot tasks, or Spot instances, a request selects, in its region; answers their ARNs or ids. */
export const serveSpotInterruptions = operatorRoute(SPOT_INTERRUPTIONS_PATH, 'interrupt spot tasks', async (ctx, body) => {
  const selection = parseSelection(body);
  if (selection.instances) return { instanceIds: await interruptSpotInstances(ctx, selectSpotInstances(selection.instances)) };
  return { taskArns: await interruptSpotTasks(ctx, selectSpotTasks(selection)) };
});

/**
 * `wharf spot-interrupt [--cluster NAME] [--task ARN]... [--count N]`: prints the tasks interrupted;
 * `wharf spot-interrupt --instance ID...`: gives these Spot instances EC2's notice, prints their ids.
 */
export async function spotInterruptCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { cluster: { type: 'string' }, task: { type: 'string', multiple: true }, count: { type: 'string' }, instance: { type: 'string', multiple: true }, ...OPERATOR_OPTIONS },
  });
  if (values.instance) {
    const answer = (await callOperator(SPOT_INTERRUPTIONS_PATH, { instances: values.instance }, values)) as { instanceIds: string[] };
    for (const id of answer.instanceIds) process.stdout.write(`${id}\n`);
    return;
  }
  const count = values.count === undefined ? undefined : Number(values.count);
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) throw new Error(`--count must be a whole number, not ${values.count}`);
  const selection: SpotSelection = { ...(values.cluster && { cluster: values.cluster }), ...(values.task && { tasks: values.task }), ...(count !== undefined && { count }) };
  const answer = (await callOperator(SPOT_INTERRUPTIONS_PATH, selection, values)) as { taskArns: string[] };
  for (const arn of answer.taskArns) process.stdout.write(`${arn}\n`);
}
