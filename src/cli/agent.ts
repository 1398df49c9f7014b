// `wharf agent`: a container-instance agent in its own process, on any host with Docker. Credentials come
// from the usual AWS variables (as the real agent takes its instance profile's).
import { parseArgs } from 'node:util';
import { startAgent, type AgentEnd } from '../agent/agent.js';
import { DEFAULTS } from './config.js';
import { hostAdapters } from './host-adapters.js';
import { createLogger } from './logger.js';

/** The ECS agent's exit status for "do not restart me" (its instance was deregistered). */
const EXIT_DEREGISTERED = 5;

export async function agentCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      cluster: { type: 'string' },
      'data-dir': { type: 'string' },
      region: { type: 'string' },
      // Join the pool of managed hosts that run Fargate tasks.
      'managed-capacity': { type: 'boolean' },
    },
  });
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('--endpoint (or AWS_ENDPOINT_URL) is required');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required (see `wharf env`)');
  const log = createLogger();
  const agent = await startAgent({
    endpoint,
    cluster: values.cluster ?? 'default',
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region: values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULTS.region,
    dataDir: values['data-dir'] ?? `${DEFAULTS.dataDir}/agent`,
    log,
    ...hostAdapters(),
    managedCapacity: values['managed-capacity'] ?? false,
  });
  const signalled = new Promise<AgentEnd>((resolve) => {
    process.once('SIGINT', () => resolve('stopped'));
    process.once('SIGTERM', () => resolve('stopped'));
  });
  const how = await Promise.race([signalled, agent.ended]);
  await agent.stop();
  // Like the ECS agent's terminal exit: the instance is gone, so a supervisor should not restart it as is.
  if (how === 'deregistered') process.exit(EXIT_DEREGISTERED);
}
