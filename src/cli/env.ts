// `wharf env`: export lines that point the AWS CLI and SDKs at this Wharf.
import { parseArgs } from 'node:util';
import { DEFAULTS, dataDirPath, loadSettings, rootCredentials } from './config.js';

export function envCommand(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const dataDir = dataDirPath(values['data-dir'] ?? DEFAULTS.dataDir);
  const saved = loadSettings(dataDir);
  const port = values.port ?? saved.port ?? DEFAULTS.port;
  const host = values.host ?? saved.host ?? DEFAULTS.host;
  const { accessKeyId, secretAccessKey } = rootCredentials(dataDir);
  const lines = {
    AWS_ENDPOINT_URL: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: saved.region ?? DEFAULTS.region,
    AWS_REGION: saved.region ?? DEFAULTS.region,
  };
  for (const [k, v] of Object.entries(lines)) process.stdout.write(`export ${k}='${v}'\n`);
}
