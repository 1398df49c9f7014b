// The composition root of `wharf up`: SQLite store -> state -> control plane -> gateway, the agent channel,
// the controllers, and the local agent. The only place that picks concrete adapters.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { hostId, privateIp } from '../agent/registration.js';
import { GANESHA_BINARY, GaneshaNfsServer } from '../nfs/ganesha-server.js';
import { WebSocketServer } from 'ws';
import { startAgent } from '../agent/agent.js';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings } from '../agent/security-settings.js';
import { bindServices, GLOBAL_KINDS, SERVICES } from '../api/services.js';
import { AGENT_CHANNEL_PATH } from '../core/agent-protocol.js';
import { prometheusExposition } from '../core/cloudwatch-prometheus.js';
import { AccessDeniedException } from '../core/errors.js';
import type { Logger, Timer } from '../core/ports.js';
import { AgentChannel, type AgentParams } from '../control/ecs/agents.js';
import { TaskCredentials } from '../control/ecs/task-credentials.js';
import { assumeRole } from '../control/sts/sessions.js';
import { authorization } from '../control/authorization/authorizer.js';
import type { ControlContext } from '../control/context.js';
import { resolveCredentials } from '../control/iam/credentials.js';
import { renewInstanceProfileSession } from '../control/ec2/instance-controller.js';
import { ensureEcsInstanceRole } from '../control/iam/instance-join.js';
import { Regions } from '../control/regions.js';
import { resetState } from '../control/reset.js';
import { State } from '../control/state.js';
import { SessionKeys } from '../control/sts/session-keys.js';
import { EcrRegistryBackend } from '../control/ecr/registry-backend.js';
import { HaproxyDataPlane } from '../lb/haproxy-data-plane.js';
import { createGateway, type InternalRoutes } from '../protocol/gateway.js';
import { openRegistry } from '../registry/registry.js';
import type { AuthMode, CredentialResolver } from '../protocol/sigv4.js';
import { SqliteLogEventStore } from '../store/sqlite/log-event-store.js';
import { SqliteMetricStore } from '../store/sqlite/metric-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { FileSystemDirectories } from '../store/directories/file-system-directories.js';
import { SqliteItemStore } from '../store/sqlite/item-store.js';
import { FileObjectStore } from '../store/sqlite/object-store.js';
import { readObject } from '../control/s3/objects.js';
import {
  accountId as configuredAccountId,
  dataDirPath,
  deploymentMinuteMs,
  spotNoticeMs,
  rootCredentials,
  saveSettings,
  serverSecret,
} from './config.js';
import { hostAdapters } from './host-adapters.js';
import { instanceLauncher } from './instance-launchers.js';
import { joinLocalInstance, serveInstanceJoin } from './instance-join.js';
import { loadPrices, serveCost } from './cost.js';
import { serveSpotInterruptions } from './spot-interrupt.js';
import type { ServerTls } from './tls.js';
import { randomIds, systemClock } from './system.js';
import { listenSpec, startDnsServers } from '../dns/controller.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { stateDirectory } from '../control/servicediscovery/dns-directory.js';

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  region: string;
  auth: AuthMode;
  log: Logger;
  /** The address load balancer listeners bind (default 127.0.0.1). */
  lbAddress?: string;
  /** ECR's image registry's port, on `host` (default the API's port + 1; 0: any free port). */
  registryPort?: number;
  /** Run the local agent registered to cluster `default` (default true). */
  localAgent?: boolean;
  /** Give task containers AWS_ENDPOINT_URL, the address at which they reach Wharf (default true). */
  endpointEnvironment?: boolean;
  /** The control plane's clock (default the system's); tests move it to expire sessions without waiting. */
  clock?: Timer;
  /** Serve HTTPS and WSS with this key pair; the local agent trusts `cert` (a self-signed pair's, or its CA's bundle). */
  tls?: ServerTls;
  /** What the local agent lets tasks do; by default the ECS agent's defaults but no privileged containers. */
  agentSecurity?: SecuritySettings;
  /** FARGATE_SPOT interruptions per task and hour (default none but those an operator asks for). */
  spotInterruptionsPerHour?: number;
  /** EFS's NFS server for agents on other hosts (nfs-ganesha; default port 2049 on the host's first external address); false: none. */
  nfs?: { port: number; address?: string } | false;
  /** The range of default VPCs made from now on (default AWS's 172.31.0.0/16); a /16 (cli/up.ts checks it). */
  defaultVpcCidr?: string;
  /** How EC2 instances become hosts: `local` (default), `hollow` or `command:<path>` (cli/instance-launchers.ts). */
  instances?: string;
}

export interface Server {
  endpoint: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<Server> {
  // What start-up has opened, closed in reverse order by close() or when a later step of the start fails
  // (a failed start must not leave its API listening, its stores open or its agent running).
  const closers: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    return { endpoint: await openServer(options, closers), close: closeAll };
  } catch (error) {
    await closeAll().catch((closing) => options.log.warn('closing a server that failed to start', { error: String(closing) }));
    throw error;
  }
}

/** Opens each part of the server in turn, each adding its closer; resolves to the API's endpoint once ready. */
async function openServer(options: ServerOptions, closers: (() => unknown)[]): Promise<string> {
  const { log, region, auth } = options;
  const dataDir = dataDirPath(options.dataDir);
  const costRoute = serveCost(loadPrices());
  const accountId = configuredAccountId();
  const root = rootCredentials(dataDir);
  const rootArn = `arn:aws:iam::${accountId}:root`;

  const store = new SqliteStore(join(dataDir, 'wharf.db'));
  closers.push(() => store.close());
  // Records are per region; `region` is the default one (and that of records stored before regions).
  const state = await State.open(store, { region, globalKinds: GLOBAL_KINDS });
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const scheme = options.tls ? 'https' : 'http';
  const ctx: ControlContext = {
    state,
    clock: options.clock ?? systemClock,
    ids: randomIds,
    log,
    partition: { region, accountId },
    endpoint: `${scheme}://${host}:${options.port}`,
    sessionKeys: new SessionKeys(serverSecret(dataDir)),
    items: new SqliteItemStore(join(dataDir, 'items.db')),
    metrics: new SqliteMetricStore(join(dataDir, 'metrics.db')),
    logEvents: new SqliteLogEventStore(join(dataDir, 'logs.db')),
    fileSystems: new FileSystemDirectories(join(dataDir, 'efs')),
    hostId: hostId(),
    objects: new FileObjectStore(join(dataDir, 'objects')),
    ...(options.spotInterruptionsPerHour && { spotInterruptionsPerHour: options.spotInterruptionsPerHour }),
    ...(deploymentMinuteMs() !== undefined && { deploymentMinuteMs: deploymentMinuteMs() }),
    ...(options.defaultVpcCidr && { defaultVpcCidr: options.defaultVpcCidr }),
    ...(spotNoticeMs() !== undefined && { spotNoticeMs: spotNoticeMs() }),
  };
  closers.push(() => ctx.items?.close(), () => ctx.metrics?.close(), () => ctx.logEvents?.close(), () => ctx.objects?.close());
  ctx.s3Objects = { read: (bucket, key, version) => readObject(ctx, bucket, key, version) };
  const launcher = instanceLauncher(options.instances ?? 'local', {
    endpoint: () => ctx.endpoint,
    dataDir,
    accountId,
    log: log.child({ component: 'instances' }),
    now: () => ctx.clock.now().getTime(),
    spotInterruption: (instanceId) => ctx.state.get('instance', instanceId)?.spotInterruption,
    renewCredentials: (instanceId) => renewInstanceProfileSession(ctx, instanceId),
    ...(options.tls && { caFile: options.tls.certFile }),
  });
  ctx.instanceLauncher = launcher;

  // Wharf's own calls at start and reset act as the account's root.
  const internalCall = { requestId: 'startup', region, caller: { accessKeyId: root.accessKeyId, accountId, arn: rootArn } };
  // What each region needs is made on its first use; the default region's at every start and reset.
  const regions = new Regions(ctx, async (regionCtx, call) => {
    for (const service of SERVICES) await service.ensureDefaults?.(regionCtx, call);
  }, internalCall);
  const ensureDefaults = async () => {
    await regions.ready(region);
    // The local agent's instance profile.
    await ensureEcsInstanceRole(ctx);
  };

  const credentials: CredentialResolver = { resolve: (accessKeyId, token) => resolveCredentials(ctx, root, accessKeyId, token) };

  const { bindings, rules } = bindServices(ctx, regions);
  // Every API call's authorisation step, and the permissions asked outside operations (the agent channel's
  // ecs:Poll, the join step's); `--auth permissive` skips policies.
  const policies = auth === 'sigv4' ? authorization(ctx, rules) : undefined;
  const permit = policies?.permit;
  const authorize = policies?.authorize;
  // Each region's agents join its channel. Task roles: STS assumes them for ECS tasks; the agent channel
  // pushes the credentials to the tasks' agents.
  const channels = new Map<string, { agents: AgentChannel; taskCredentials: TaskCredentials }>();
  const channelIn = (regionCtx: ControlContext) => {
    let channel = channels.get(regionCtx.partition.region);
    if (channel) return channel;
    const taskCredentials = new TaskCredentials(regionCtx, async ({ roleArn, sessionName, taskArn }) => {
      const { credentials: issued } = assumeRole(regionCtx, { roleArn, sessionName, taskArn, servicePrincipal: 'ecs-tasks.amazonaws.com' });
      return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: issued.Expiration };
    });
    channel = { agents: new AgentChannel(regionCtx, undefined, permit, taskCredentials), taskCredentials };
    channels.set(regionCtx.partition.region, channel);
    return channel;
  };
  // Agents' messages are task and container states, a few KiB: ws's 100 MiB default would let one message hold that much memory.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let ready = false;
  const internal: InternalRoutes = async (req, res, authenticate) => {
    if (req.url === '/_wharf/health' && req.method === 'GET') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(`{"status":"${ready ? 'ok' : 'starting'}"}`);
      return true;
    }
    if (req.url === '/metrics' && req.method === 'GET' && ctx.metrics) {
      // CloudWatch's datapoints of the last 15 minutes, every region's, for Prometheus and Grafana.
      const text = prometheusExposition(await ctx.metrics.latest(new Date(ctx.clock.now().getTime() - 15 * 60_000)));
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
      return true;
    }
    if (req.url === '/_wharf/reset' && req.method === 'POST') {
      if (auth === 'sigv4' && authenticate().caller.arn !== rootArn) throw new AccessDeniedException('Only the root user may reset Wharf');
      await resetState(ctx);
      await ctx.items?.clear();
      await ctx.metrics?.clear();
      await ctx.objects?.clear();
      await ctx.fileSystems?.clear();
      await ctx.logEvents?.clear();
      regions.forget();
      await ensureDefaults();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"reset"}');
      return true;
    }
    const operator = auth === 'sigv4' ? rootArn : undefined;
    if (await serveSpotInterruptions((r) => regions.ready(r), operator, req, res, authenticate)) return true;
    if (await costRoute((r) => regions.ready(r), operator, req, res, authenticate)) return true;
    return serveInstanceJoin(ctx, permit, req, res, authenticate);
  };

  const gateway = createGateway({
    services: bindings,
    credentials,
    auth,
    authorize,
    accountId,
    region,
    log,
    internal,
    ...(options.tls && { tls: options.tls }),
    upgrade: (req, socket, head, call) => {
      const url = new URL(req.url ?? '/', 'http://wharf');
      if (url.pathname !== AGENT_CHANNEL_PATH) return void socket.destroy();
      const params: AgentParams = {
        cluster: url.searchParams.get('cluster') ?? '',
        containerInstance: url.searchParams.get('containerInstance') ?? '',
        managedCapacity: url.searchParams.get('managedCapacity') === 'true',
      };
      const { agents } = channelIn(regions.context(call.region));
      agents.admit(call, params);
      sockets.handleUpgrade(req, socket, head, (ws) => void agents.attach(ws, params, call));
    },
  });
  const address = await gateway.listen(options.port, options.host);
  closers.push(() => gateway.close(), () => sockets.close());
  // ECR's registry: docker trusts a registry on 127.0.0.0/8 without TLS (docs/ecr.md).
  const registry = await openRegistry(dataDir, log);
  closers.push(() => registry.close());
  // Instances' agents stop with the server (before its API does); running instances get them back at the next start.
  closers.push(() => launcher.close());
  ctx.registry = registry.ports;
  await registry.listen(new EcrRegistryBackend(ctx, { permissive: auth === 'permissive' }), options.registryPort ?? (options.port === 0 ? 0 : options.port + 1), options.host);
  ctx.endpoint = `${scheme}://${host}:${address.port}`;
  // `wharf env` prints the bundle that verifies this server for the CLI and SDKs.
  saveSettings(dataDir, { host: options.host, port: address.port, region, ...(options.tls && { caBundle: options.tls.certFile }) });

  await ensureDefaults();

  const stopping = new AbortController();
  // Every controller of every service and region listens for the stop: many more than Node's default warning at 10.
  setMaxListeners(0, stopping.signal);
  // Load balancers: HAProxy, run by Wharf, serves every listener on this host.
  const lbAddress = options.lbAddress ?? '127.0.0.1';
  const dataPlane = new HaproxyDataPlane({ dir: join(dataDir, 'haproxy'), log: log.child({ component: 'haproxy' }), address: lbAddress });
  closers.push(() => dataPlane.close());
  ctx.loadBalancers = { dataPlane, address: lbAddress };
  const nfs = nfsServer(options.nfs, dataDir, log);
  closers.push(() => nfs?.close());
  ctx.nfs = nfs;
  const loops = [
    regions.run(stopping.signal, (regionCtx, signal) => {
      const { agents, taskCredentials } = channelIn(regionCtx);
      return [agents.run(signal), taskCredentials.run(signal), ...SERVICES.flatMap((service) => service.controllers?.(regionCtx, signal) ?? [])];
    }),
    ...SERVICES.flatMap((service) => service.hostControllers?.(ctx, stopping.signal) ?? []),
  ];
  closers.push(async () => {
    stopping.abort();
    await Promise.all(loops);
  });
  // Cloud Map's DNS server, answering every region's namespaces, and the local agent's tasks' resolver
  // (WHARF_DNS_LISTEN: where; by default the Docker bridge gateway, src/dns/controller.ts says why).
  const bridgeGateway = process.env.WHARF_DNS_LISTEN === undefined ? await new DockerRuntime().networkGateway('bridge').catch(() => undefined) : undefined;
  const dns = await startDnsServers(stateDirectory(ctx.state), log.child({ component: 'dns' }), listenSpec(process.env.WHARF_DNS_LISTEN, bridgeGateway));
  closers.push(() => dns.close());

  if (options.localAgent !== false) {
    const agentDataDir = join(dataDir, 'agent');
    const agent = await startAgent({
      endpoint: ctx.endpoint,
      cluster: 'default',
      // Never root: the local instance's ecsInstanceRole session, as any agent's.
      instance: { joined: await joinLocalInstance(ctx, internalCall, agentDataDir), fresh: true },
      region,
      dataDir: agentDataDir,
      log,
      ...hostAdapters(agentDataDir, log),
      // The local host is the first managed host: Fargate tasks run on the local engine too.
      managedCapacity: true,
      taskResolvers: dns.resolvers,
      endpointEnvironment: options.endpointEnvironment,
      ...(options.tls && { ca: options.tls.cert }),
      security: options.agentSecurity ?? { ...DEFAULT_SECURITY_SETTINGS, privileged: false },
      // Seconds between container stats samples (CloudWatch's AWS/ECS metrics); 10 by default.
      ...(process.env.WHARF_METRICS_INTERVAL && { metricsIntervalMs: Number(process.env.WHARF_METRICS_INTERVAL) * 1000 }),
    });
    // The agent leaves its containers running: the next start re-adopts them.
    closers.push(() => agent.stop());
    // Ready means RunTask can place on the local instance (and Fargate on its managed capacity): wait until its agent's channel is up.
    const instanceArn = agent.containerInstanceArn;
    await whenTrue(state, () => {
      const instance = state.get('containerInstance', instanceArn);
      return instance?.agentConnected === true && instance.managedCapacity === true;
    }, 15_000);
  }

  ready = true;
  return ctx.endpoint;
}

/**
 * EFS's NFS server: nfs-ganesha, when it is installed and Wharf runs as root (its VFS back end opens files
 * by handle, which needs CAP_DAC_READ_SEARCH). Without it agents on other hosts cannot mount file systems.
 */
function nfsServer(options: ServerOptions['nfs'], dataDir: string, log: Logger): GaneshaNfsServer | undefined {
  if (options === false) return undefined;
  const address = options?.address ?? privateIp(networkInterfaces());
  if (!existsSync(GANESHA_BINARY) || process.getuid?.() !== 0 || !address) {
    log.info('no NFS server: EFS file systems are mounted only on this host', { ganesha: existsSync(GANESHA_BINARY), root: process.getuid?.() === 0, address });
    return undefined;
  }
  return new GaneshaNfsServer({ dir: join(dataDir, 'nfs'), endpoint: { address, port: options?.port ?? 2049 }, log: log.child({ component: 'nfs' }) });
}

/** Resolves once `condition` holds, re-checking on every committed change; gives up after `timeoutMs`. */
function whenTrue(state: State, condition: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = state.subscribe(() => {
      if (!condition()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
