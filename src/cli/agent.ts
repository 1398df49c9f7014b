// `wharf agent`: a container-instance agent in its own process, on any host with Docker. With
// --instance-profile it joins as an instance of that profile (core/instance-join.ts): the AWS variables
// hold an operator's credentials for that one request only, and the agent runs on the profile's role
// session, kept in its data dir; a restart goes on with what it kept, needing no operator. Without it
// (and with nothing kept), it signs with the AWS variables' credentials as they are.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAgent, type AgentEnd, type AgentOptions } from '../agent/agent.js';
import { joinInstance, readJoinedInstance } from '../agent/instance-credentials.js';
import { readInstanceMetadata, spotInterruptionNoticed } from '../agent/instance-metadata.js';
import { ecsSettings } from '../core/ec2-instances-user-data.js';
import type { Logger } from '../core/ports.js';
import { DEFAULTS } from './config.js';
import { hostAdapters } from './host-adapters.js';
import { createLogger } from './logger.js';
import { SECURITY_OPTIONS, securitySettings } from './security-options.js';
import { securePrivateDir } from './data-dir.js';

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
      // Join as an instance of this instance profile (name or ARN), as EC2 launches an instance with one.
      'instance-profile': { type: 'string' },
      // The PEM bundle that verifies an HTTPS endpoint (`wharf up --tls`'s cert.pem); NODE_EXTRA_CA_CERTS works too.
      'ca-cert': { type: 'string' },
      // ECS_DISABLE_PRIVILEGED: no privileged containers here (the capability is not advertised).
      'disable-privileged': { type: 'boolean' },
      // Run as an EC2 instance's agent: identity, profile session and ECS_* settings (user data) from the
      // instance metadata service at AWS_EC2_METADATA_SERVICE_ENDPOINT, as the ECS agent does.
      'instance-metadata': { type: 'boolean' },
      // The host's resources, when not the engine's (an instance type's, where instances share one engine).
      cpus: { type: 'string' },
      'memory-mib': { type: 'string' },
      // The host's id (default its machine id): another than the server's makes EFS volumes NFS mounts (docs/efs.md).
      'host-id': { type: 'string' },
      ...SECURITY_OPTIONS,
    },
  });
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('--endpoint (or AWS_ENDPOINT_URL) is required');
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULTS.region;
  const dataDir = resolve(values['data-dir'] ?? `${DEFAULTS.dataDir}/agent`);
  securePrivateDir(dataDir);
  const log = createLogger();
  const ca = values['ca-cert'] === undefined ? undefined : readFileSync(values['ca-cert'], 'utf8');
  const ec2 = values['instance-metadata'] ? await fromInstanceMetadata() : undefined;
  const resources = values.cpus === undefined && values['memory-mib'] === undefined ? undefined : { cpus: Number(values.cpus), memoryMiB: Number(values['memory-mib']) };
  if (resources && !(Number.isInteger(resources.cpus) && resources.cpus > 0 && Number.isInteger(resources.memoryMiB) && resources.memoryMiB > 0)) {
    throw new Error('--cpus and --memory-mib must both be positive integers');
  }
  const agent = await startAgent({
    endpoint,
    cluster: values.cluster ?? ec2?.settings.ECS_CLUSTER ?? 'default',
    ...(ec2?.agent ?? (await identity({ endpoint, region, dataDir, instanceProfile: values['instance-profile'], log, ca }))),
    ...(resources && { resources }),
    ...(ca && { ca }),
    ...(values['host-id'] !== undefined && { hostId: values['host-id'] }),
    region,
    dataDir,
    log,
    ...hostAdapters(dataDir, log),
    managedCapacity: values['managed-capacity'] ?? false,
    security: securitySettings(values, !(values['disable-privileged'] || ec2?.settings.ECS_DISABLE_PRIVILEGED === 'true')),
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

/** An EC2 instance's agent: who it is and what its user data's ECS_* settings say, from the metadata service. */
async function fromInstanceMetadata(): Promise<{ settings: Record<string, string>; agent: Partial<AgentOptions> }> {
  const endpoint = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  if (!endpoint) throw new Error('--instance-metadata needs AWS_EC2_METADATA_SERVICE_ENDPOINT');
  const metadata = await readInstanceMetadata(endpoint);
  const settings = ecsSettings(metadata.userData ?? '');
  const attributes = settings.ECS_INSTANCE_ATTRIBUTES === undefined ? undefined : (JSON.parse(settings.ECS_INSTANCE_ATTRIBUTES) as Record<string, string>);
  const credentials = metadata.joined ? undefined : environmentCredentials();
  if (!metadata.joined && !credentials) throw new Error('the instance has no instance profile: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  return {
    settings,
    agent: {
      ...(metadata.joined ? { instance: { joined: metadata.joined, fresh: true } } : { credentials }),
      instanceType: metadata.instanceType,
      ec2Instance: metadata,
      ...(attributes && { attributes }),
      ...(settings.ECS_RESERVED_MEMORY !== undefined && { reservedMemoryMiB: Number(settings.ECS_RESERVED_MEMORY) }),
      ...(settings.ECS_ENABLE_SPOT_INSTANCE_DRAINING === 'true' && { spotInterruptionNoticed: () => spotInterruptionNoticed(endpoint) }),
    },
  };
}

/** The AWS variables' credentials, if set. */
function environmentCredentials() {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined;
}

/** Who the agent is: the instance it joined before (while its session lasts), a new instance of the profile, or the AWS variables' identity. */
async function identity(options: {
  endpoint: string;
  region: string;
  dataDir: string;
  instanceProfile?: string;
  log: Logger;
  ca?: string;
}): Promise<Pick<AgentOptions, 'credentials' | 'instance'>> {
  const { endpoint, region, dataDir, instanceProfile, log, ca } = options;
  const kept = await readJoinedInstance(dataDir);
  if (kept && kept.credentials.expiration.getTime() > Date.now()) {
    log.info('resuming as the instance joined before', { instanceId: kept.instanceId, instanceProfileArn: kept.instanceProfileArn });
    return { instance: { joined: kept, fresh: false } };
  }
  const env = environmentCredentials();
  if (instanceProfile) {
    if (!env) throw new Error('joining with --instance-profile needs an operator\'s AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, once');
    if (kept) log.warn('the kept instance session expired: joining as a new instance', { instanceId: kept.instanceId });
    const joined = await joinInstance(endpoint, region, env, instanceProfile, ca);
    log.info('joined as a new instance', { instanceId: joined.instanceId, instanceProfileArn: joined.instanceProfileArn });
    return { instance: { joined, fresh: true } };
  }
  if (kept) throw new Error(`the instance session kept in ${dataDir} expired: join again with --instance-profile and an operator's credentials`);
  if (!env) throw new Error('--instance-profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, is required (see `wharf env`)');
  return { credentials: env };
}
