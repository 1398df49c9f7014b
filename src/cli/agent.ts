// `wharf agent`: a container-instance agent in its own process, on any host with Docker. Credentials come
// from the usual AWS variables (as the real agent takes its instance profile's).
import { parseArgs } from 'node:util';
import { startAgent } from '../agent/agent.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { DEFAULTS } from './config.js';
import { createLogger } from './logger.js';

export async function agentCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      cluster: { type: 'string' },
      'data-dir': { type: 'string' },
      region: { type: 'string' },
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
    runtime: new DockerRuntime(),
    log,
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await agent.stop();
}
