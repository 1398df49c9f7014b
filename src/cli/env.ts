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
  // Over TLS, the bundle that verifies the server: the AWS CLI and boto3 read AWS_CA_BUNDLE, Node (the JS
  // SDKs, `wharf agent`) NODE_EXTRA_CA_CERTS.
  const trust = saved.caBundle ? { AWS_CA_BUNDLE: saved.caBundle, NODE_EXTRA_CA_CERTS: saved.caBundle } : {};
  const lines = {
    AWS_ENDPOINT_URL: `${saved.caBundle ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: saved.region ?? DEFAULTS.region,
    AWS_REGION: saved.region ?? DEFAULTS.region,
    ...trust,
  };
  for (const [k, v] of Object.entries(lines)) process.stdout.write(`export ${k}='${v}'\n`);
}
