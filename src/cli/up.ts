// `wharf up`: the control plane and one local agent, in the foreground, until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { DEFAULTS } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

export async function upCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      region: { type: 'string' },
      auth: { type: 'string' },
      // Where load balancer listeners bind (default 127.0.0.1).
      'lb-address': { type: 'string' },
      // Task containers get no AWS_ENDPOINT_URL (their SDKs then call AWS's own endpoints).
      'no-task-endpoint-url': { type: 'boolean' },
    },
  });
  const auth = values.auth ?? 'sigv4';
  if (auth !== 'sigv4' && auth !== 'permissive') throw new Error(`--auth must be sigv4 or permissive, not ${auth}`);
  const port = Number(values.port ?? DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  const log = createLogger();
  const server = await startServer({
    host: values.host ?? DEFAULTS.host,
    port,
    dataDir: values['data-dir'] ?? DEFAULTS.dataDir,
    region: values.region ?? DEFAULTS.region,
    auth,
    log,
    ...(values['lb-address'] !== undefined && { lbAddress: values['lb-address'] }),
    ...(values['no-task-endpoint-url'] && { endpointEnvironment: false }),
  });
  log.info('wharf is up', { endpoint: server.endpoint });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  log.info('wharf stopped');
}
