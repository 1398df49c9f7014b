// `wharf up`: the control plane and one local agent, in the foreground, until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { parseCidr } from '../core/ipv4.js';
import { DEFAULTS, dataDirPath } from './config.js';
import { createLogger } from './logger.js';
import { SECURITY_OPTIONS, securitySettings } from './security-options.js';
import { startServer } from './server.js';
import { serverTls } from './tls.js';

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
      // ECR's image registry's port (default --port + 1; 0: any free port).
      'registry-port': { type: 'string' },
      // Task containers get no AWS_ENDPOINT_URL (their SDKs then call AWS's own endpoints).
      'no-task-endpoint-url': { type: 'boolean' },
      // HTTPS and WSS with this key pair (PEM files), or with a self-signed pair kept in the data dir (--tls).
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      tls: { type: 'boolean' },
      // FARGATE_SPOT tasks and Spot instances are interrupted at this rate, each per hour (default 0: only by `wharf spot-interrupt`).
      'spot-interruptions-per-hour': { type: 'string' },
      // The local agent runs privileged containers (refused by default: they are root on this machine).
      'allow-privileged': { type: 'boolean' },
      // EFS for agents on other hosts: the NFS server's port (default 2049; 0: none) and the address they reach it at
      // (default the host's first external IPv4 address).
      'nfs-port': { type: 'string' },
      'nfs-address': { type: 'string' },
      // Default VPCs made from now on take this /16 instead of AWS's 172.31.0.0/16 (when that range is taken here).
      'default-vpc-cidr': { type: 'string' },
      // How EC2 instances (RunInstances, Auto Scaling) become hosts: local (an agent process each), hollow, or command:<path>.
      instances: { type: 'string' },
      ...SECURITY_OPTIONS,
    },
  });
  const auth = values.auth ?? 'sigv4';
  if (auth !== 'sigv4' && auth !== 'permissive') throw new Error(`--auth must be sigv4 or permissive, not ${auth}`);
  const port = Number(values.port ?? DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  const registryPort = values['registry-port'] === undefined ? undefined : Number(values['registry-port']);
  if (registryPort !== undefined && (!Number.isInteger(registryPort) || registryPort < 0 || registryPort > 65535)) throw new Error(`--registry-port must be a port number, not ${values['registry-port']}`);
  const spotRate = values['spot-interruptions-per-hour'] === undefined ? undefined : Number(values['spot-interruptions-per-hour']);
  if (spotRate !== undefined && !(spotRate >= 0 && spotRate <= 60)) throw new Error(`--spot-interruptions-per-hour must be a number from 0 to 60, not ${values['spot-interruptions-per-hour']}`);
  const nfsPort = Number(values['nfs-port'] ?? 2049);
  if (!Number.isInteger(nfsPort) || nfsPort < 0 || nfsPort > 65535) throw new Error(`--nfs-port must be a port number, not ${values['nfs-port']}`);
  const defaultVpcCidr = values['default-vpc-cidr'];
  if (defaultVpcCidr !== undefined && parseCidr(defaultVpcCidr)?.prefix !== 16) throw new Error(`--default-vpc-cidr must be a /16 block such as 10.100.0.0/16, not ${defaultVpcCidr}`);
  const log = createLogger();
  const host = values.host ?? DEFAULTS.host;
  const dataDir = dataDirPath(values['data-dir'] ?? DEFAULTS.dataDir);
  const tls = serverTls(dataDir, { files: { certFile: values['tls-cert'], keyFile: values['tls-key'] }, generate: values.tls, host });
  const server = await startServer({
    host,
    port,
    dataDir,
    region: values.region ?? DEFAULTS.region,
    auth,
    log,
    ...(values['lb-address'] !== undefined && { lbAddress: values['lb-address'] }),
    ...(registryPort !== undefined && { registryPort }),
    ...(spotRate !== undefined && { spotInterruptionsPerHour: spotRate }),
    ...(values['no-task-endpoint-url'] && { endpointEnvironment: false }),
    ...(tls && { tls }),
    ...(values.instances !== undefined && { instances: values.instances }),
    ...(defaultVpcCidr !== undefined && { defaultVpcCidr }),
    nfs: nfsPort === 0 ? false : { port: nfsPort, ...(values['nfs-address'] !== undefined && { address: values['nfs-address'] }) },
    agentSecurity: securitySettings(values, values['allow-privileged'] ?? false),
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
