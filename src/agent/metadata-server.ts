// The task metadata endpoint v4, served by the agent of the host a task runs on (as ECS's agent serves
// it): the agent knows the task's containers, their engine ids and their stats, and keeps answering
// whatever happens to the control plane. Each container gets ECS_CONTAINER_METADATA_URI_V4, an address
// of this server (the host as its network reaches it: the subnet's router for awsvpc tasks, the bridge's
// gateway otherwise) and a path of its own: `/v4/<task id>-<32 hex digits>`, 128 bits of an HMAC of the
// task and container under a key kept in the agent's data dir, so the path names one container, cannot be
// guessed from the task's ARN, and survives agent restarts. A task is answered only from its own addresses,
// and each source is throttled as ECS's agent throttles it (task-callers.ts).
// The same server is the agent API ECS gives containers as ECS_AGENT_URI (`/api/<same id>`), where the
// task scale-in protection endpoint lives (task-protection.ts).
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';
import { lastSegment } from '../core/arn.js';
import type { Logger } from '../core/ports.js';
import { isRuntimeError, type ContainerRuntime, type ContainerState } from '../core/runtime.js';
import type { TaskEngine, TaskSnapshot } from './task-engine.js';
import { callerAddress, isFromTask, listenForTasks, RequestThrottle, runtimeTaskAddresses, type TaskAddresses } from './task-callers.js';
import { containerMetadata, taskMetadata } from './task-metadata.js';
import { answerTaskProtection, type TaskProtectionClient } from './task-protection.js';

export interface MetadataServerOptions {
  engine: Pick<TaskEngine, 'snapshot' | 'taskArns'>;
  runtime: ContainerRuntime;
  log: Logger;
  /** The secret the paths are derived with. */
  key: Buffer;
  region: string;
  /** Where containers on the engine's default bridge reach the host. */
  bridgeGateway: string;
  /** How the task-protection endpoint calls ECS, and with what: the task role's latest credentials. */
  taskProtection: TaskProtectionClient;
  taskCredentials: (taskArn: string) => RoleCredentials | undefined;
  /** Milliseconds, for the throttle. */
  now?: () => number;
}

const PATH = /^\/v4\/([0-9a-f]{32})-([0-9a-f]{32})(\/task)?(\/stats)?\/?$/;
const AGENT_API_PATH = /^\/api\/([0-9a-f]{32})-([0-9a-f]{32})\/task-protection\/v1\/state\/?$/;
/** A PUT body of the protection endpoint is a few dozen bytes. */
const MAX_BODY_BYTES = 4096;

export class MetadataServer {
  private readonly server: Server;
  private readonly addresses: TaskAddresses;
  private readonly throttle: RequestThrottle;
  private port = 0;

  constructor(private readonly options: MetadataServerOptions) {
    this.addresses = runtimeTaskAddresses(options.runtime, () => options.engine);
    this.throttle = new RequestThrottle(options.now ?? Date.now);
    this.server = createServer((req, res) => {
      if (!this.throttle.take(callerAddress(req))) return respond(res, 429, { message: 'Too many requests' });
      this.handle(req, res).catch((err: unknown) => {
        options.log.error('task metadata request failed', { url: req.url, error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) respond(res, 500, { message: 'internal error' });
      });
    });
  }

  /** Listens where containers reach it (their network's gateway, loopback); answers the port. */
  async listen(port = 0): Promise<number> {
    this.port = await listenForTasks(this.server, port);
    return this.port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The variables a container gets: its metadata URI, and Fargate's execution environment for Fargate tasks. */
  environment(task: TaskAssignment, containerName: string): Record<string, string> {
    const mode = task.taskDefinition.networkMode;
    const host = task.network?.gateway ?? (mode === 'host' ? '127.0.0.1' : this.options.bridgeGateway);
    const id = this.pathId(task.taskArn, containerName);
    return {
      ECS_CONTAINER_METADATA_URI_V4: `http://${host}:${this.port}/v4/${id}`,
      ECS_AGENT_URI: `http://${host}:${this.port}/api/${id}`,
      ...(task.launchType === 'FARGATE' && { AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE' }),
    };
  }

  private pathId(taskArn: string, containerName: string): string {
    const digest = createHmac('sha256', this.options.key).update(`${taskArn}\0${containerName}`).digest();
    return `${lastSegment(taskArn)}-${digest.subarray(0, 16).toString('hex')}`;
  }

  /** The task and container a path names, if this agent holds them. */
  private resolve(taskId: string, secret: string): { snapshot: TaskSnapshot; containerName: string } | undefined {
    for (const arn of this.options.engine.taskArns()) {
      if (lastSegment(arn) !== taskId) continue;
      const snapshot = this.options.engine.snapshot(arn);
      if (!snapshot?.assignment) return undefined;
      const container = snapshot.containers.find((c) => this.pathId(arn, c.name) === `${taskId}-${secret}`);
      return container && { snapshot, containerName: container.name };
    }
    return undefined;
  }

  /** The task and container a path names, if the caller may ask: the task itself, from its own addresses. */
  private async caller(req: IncomingMessage, match: RegExpExecArray | null): Promise<ReturnType<MetadataServer['resolve']>> {
    const found = match ? this.resolve(match[1]!, match[2]!) : undefined;
    if (!found) return undefined;
    const from = callerAddress(req);
    if (await isFromTask(found.snapshot.assignment!, from, this.addresses)) return found;
    this.options.log.warn('task metadata refused to another address', { taskArn: found.snapshot.taskArn, from });
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://metadata').pathname;
    const agentApi = AGENT_API_PATH.exec(path);
    if (agentApi) return this.handleTaskProtection(req, res, agentApi);
    const match = req.method === 'GET' ? PATH.exec(path) : null;
    const found = await this.caller(req, match);
    if (!match || !found) return respond(res, 404, { message: 'Unable to find task metadata for this request' });
    const { snapshot, containerName } = found;
    const [, , , task, stats] = match;
    const ids = (task ? snapshot.containers : snapshot.containers.filter((c) => c.name === containerName)).flatMap((c) => (c.runtimeId ? [c.runtimeId] : []));
    if (stats) {
      const samples = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await this.stats(id)] as const)));
      return respond(res, 200, task ? samples : samples[ids[0] ?? ''] ?? {});
    }
    const states = new Map((await Promise.all(ids.map((id) => this.inspect(id)))).flatMap((s) => (s ? [[s.id, s] as const] : [])));
    if (task) return respond(res, 200, taskMetadata(snapshot, states, this.options.region));
    const own = snapshot.containers.find((c) => c.name === containerName)!;
    return respond(res, 200, containerMetadata(snapshot, containerName, own.runtimeId ? states.get(own.runtimeId) : undefined, this.options.region));
  }

  private async handleTaskProtection(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
    const found = await this.caller(req, match);
    if (!found) return respond(res, 404, { error: { Code: 'ResourceNotFoundException', Message: 'Unable to find task for this request' } });
    if (req.method !== 'GET' && req.method !== 'PUT') return respond(res, 405, { error: { Code: 'InvalidParameterException', Message: `Method ${req.method} not allowed` } });
    const body = req.method === 'PUT' ? await readBody(req) : '';
    if (body === undefined) return respond(res, 413, { error: { Code: 'InvalidParameterException', Message: 'Request body too large' } });
    const task = found.snapshot.assignment!;
    const answer = await answerTaskProtection(this.options.taskProtection, task, this.options.taskCredentials(task.taskArn), req.method, body);
    this.options.log.info('task protection request', { taskArn: task.taskArn, method: req.method, status: answer.status });
    respond(res, answer.status, answer.body);
  }

  private inspect(id: string): Promise<ContainerState | undefined> {
    return this.options.runtime.inspectContainer(id).catch((err: unknown) => {
      if (isRuntimeError(err, 'ContainerNotFound')) return undefined;
      throw err;
    });
  }

  /** A stopped or vanished container has no stats: ECS answers null for it. */
  private stats(id: string): Promise<Record<string, unknown> | null> {
    return this.options.runtime.containerStats(id).catch(() => null);
  }
}

/** The request's body, or undefined past MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function respond(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** What the metadata endpoint keeps in the agent's data dir: its key and port, the same on every run. */
interface MetadataSettings {
  key: string;
  port: number;
}

const SETTINGS_FILE = 'metadata.json';

/** Starts the endpoint with the key and port of earlier runs (new ones the first time, or when the port is taken). */
export async function startMetadataServer(
  dataDir: string,
  options: Omit<MetadataServerOptions, 'key'>,
): Promise<MetadataServer> {
  const file = join(dataDir, SETTINGS_FILE);
  const saved = await readFile(file, 'utf8').then((s) => JSON.parse(s) as MetadataSettings, () => undefined);
  const key = saved ? Buffer.from(saved.key, 'base64') : randomBytes(32);
  const server = new MetadataServer({ ...options, key });
  const port = await server.listen(saved?.port ?? 0).catch(() => server.listen(0));
  await writeFile(file, JSON.stringify({ key: key.toString('base64'), port } satisfies MetadataSettings) + '\n', { mode: 0o600 });
  return server;
}
