// The ECS credentials endpoint, served by the agent of the host a task runs on, as ECS's agent serves it:
// a task whose definition names a `taskRoleArn` gets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
// (`/v2/credentials/<id>`), and the unchanged SDKs in it ask http://169.254.170.2 for that path, which the
// host routes here (CredentialsRouting). The id is an HMAC of the task under a key kept in the agent's data
// dir: unguessable from the task's ARN, and the same after an agent restart (containers keep their
// environment). The credentials are those the control plane pushed with the assignment, the latest ones;
// a task no longer assigned (stopped) is forgotten. A request is answered only from the task's own
// addresses: its awsvpc address, its containers' bridge addresses, or the host itself for host-network
// tasks; any other, or an unknown id, is refused the same way, saying nothing; each source is throttled
// as ECS's agent throttles it (task-callers.ts). Any other path, asked from one of this agent's tasks, is
// relayed to Wharf's API when the tasks cannot reach it directly
// (endpoint-relay.ts).
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import type { CredentialsRoute, CredentialsRoutes } from '../core/runtime.js';
import type { EndpointRelay } from './endpoint-relay.js';
import { callerAddress, isFromTask, listenForTasks, RequestThrottle, type TaskAddresses } from './task-callers.js';

const PATH = /^\/v2\/credentials\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface CredentialsServerOptions {
  /** The secret the ids are derived with. */
  key: Buffer;
  addresses: TaskAddresses;
  log: Logger;
  now(): Date;
  /** Relays every other path to Wharf's API (for tasks that cannot reach it). */
  relay?: EndpointRelay;
}

interface HeldTask {
  assignment: TaskAssignment;
  id: string;
}

/** The body ECS's endpoint answers with, which the SDKs read. */
export interface CredentialsResponse {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
  RoleArn: string;
}

export class CredentialsServer {
  private readonly server: Server;
  private readonly tasks = new Map<string, HeldTask>();
  private readonly byId = new Map<string, HeldTask>();
  /** The addresses the held tasks ask from (host-network tasks aside): whom the relay serves. */
  private taskAddresses: Promise<Set<string>> = Promise.resolve(new Set());
  private readonly throttle: RequestThrottle;
  private port = 0;

  constructor(private readonly options: CredentialsServerOptions) {
    this.throttle = new RequestThrottle(() => options.now().getTime());
    this.server = createServer((req, res) => {
      const fail = (err: unknown) => {
        options.log.error('credentials request failed', { url: req.url, error: err instanceof Error ? err.message : String(err) });
        if (res.headersSent) res.destroy();
        else respond(res, 500, { code: 'InternalServerError', message: 'internal error' });
      };
      // Relayed calls are Wharf's API's to limit, as AWS's are.
      if (options.relay && !isCredentialsPath(req.url)) return void this.relay(req, res, options.relay).catch(fail);
      if (!this.throttle.take(callerAddress(req))) return respond(res, 429, { code: 'TooManyRequests', message: 'Too many requests' });
      this.handle(req).then(({ status, body }) => respond(res, status, body), fail);
    });
  }

  /** Listens where requests arrive (the host's address on each task network, loopback); answers the port. */
  async listen(port = 0): Promise<number> {
    this.port = await listenForTasks(this.server, port);
    return this.port;
  }

  /** The port it listens on: where the host routes 169.254.170.2, and the relay's. */
  get listeningPort(): number {
    return this.port;
  }

  close(): Promise<void> {
    this.options.relay?.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The relative URI of a task's role credentials: the same for every container of the task. */
  relativeUri(taskArn: string): string {
    const h = createHmac('sha256', this.options.key).update(taskArn).digest('hex');
    return `/v2/credentials/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** The variable a container of a task with a task role gets. */
  environment(task: TaskAssignment): Record<string, string> {
    return task.taskDefinition.taskRoleArn ? { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: this.relativeUri(task.taskArn) } : {};
  }

  /** Whether the task's containers may start: every role it names has its credentials here. */
  ready(taskArn: string): boolean {
    const held = this.tasks.get(taskArn);
    if (!held) return true;
    const { taskDefinition, roleCredentials } = held.assignment;
    return (!taskDefinition.taskRoleArn || roleCredentials?.task !== undefined) && (!taskDefinition.executionRoleArn || roleCredentials?.execution !== undefined);
  }

  /** The execution role's credentials, for what the agent does on the task's behalf (image pulls, logs). */
  executionCredentials(taskArn: string): RoleCredentials | undefined {
    return this.tasks.get(taskArn)?.assignment.roleCredentials?.execution;
  }

  /** Takes the control plane's whole assignment: the latest credentials of each task; tasks not in it are forgotten. */
  update(assignments: readonly TaskAssignment[]): void {
    const wanted = new Set(assignments.map((a) => a.taskArn));
    for (const [arn, held] of this.tasks) {
      if (wanted.has(arn)) continue;
      this.tasks.delete(arn);
      this.byId.delete(held.id);
    }
    for (const assignment of assignments) {
      const held = { assignment, id: this.relativeUri(assignment.taskArn) };
      this.tasks.set(assignment.taskArn, held);
      this.byId.set(held.id, held);
    }
  }

  /**
   * Where the host must send the credentials endpoint's traffic: each task with a task role, from its
   * addresses; and the bridge (by its gateway) always, so that what a bridge container asks before its
   * own route exists is refused at once, from the start.
   */
  async routes(bridgeGateway: string): Promise<CredentialsRoutes> {
    const tasks: CredentialsRoute[] = [];
    let hostTasks = false;
    for (const { assignment } of this.tasks.values()) {
      if (!assignment.roleCredentials?.task) continue;
      const mode = assignment.taskDefinition.networkMode;
      if (assignment.network) tasks.push({ source: assignment.network.privateIpv4Address, gateway: assignment.network.gateway });
      else if (mode === 'host') hostTasks = true;
      else for (const source of await this.options.addresses.containerAddresses(assignment.taskArn)) tasks.push({ source, gateway: bridgeGateway });
    }
    return { port: this.port, tasks, hostTasks, bridge: { gateway: bridgeGateway } };
  }

  /** Answers a request: the credentials, or a refusal that says nothing of why. */
  async handle(req: Pick<IncomingMessage, 'method' | 'url' | 'socket'>): Promise<{ status: number; body: unknown }> {
    const refused = { status: 400, body: { code: 'InvalidIdInRequest', message: 'CredentialsV2Request: Credentials not found' } };
    const match = req.method === 'GET' ? PATH.exec(new URL(req.url ?? '/', 'http://credentials').pathname) : null;
    const held = match ? this.byId.get(match[0]) : undefined;
    const credentials = held?.assignment.roleCredentials?.task;
    if (!held || !credentials) return refused;
    const from = callerAddress(req);
    if (!(await isFromTask(held.assignment, from, this.options.addresses))) {
      this.options.log.warn('credentials refused to another address', { taskArn: held.assignment.taskArn, from });
      return refused;
    }
    if (Date.parse(credentials.expiration) <= this.options.now().getTime()) {
      // The control plane renews long before this: it is unreachable. Expired keys would only be refused by STS.
      this.options.log.warn('task credentials expired', { taskArn: held.assignment.taskArn });
      return refused;
    }
    const body: CredentialsResponse = {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: credentials.expiration,
      RoleArn: credentials.roleArn,
    };
    return { status: 200, body };
  }

  /** Relays a request from one of the tasks; anyone else is refused (Wharf may listen on loopback so as not to be reached from elsewhere). */
  private async relay(req: IncomingMessage, res: ServerResponse, relay: EndpointRelay): Promise<void> {
    const from = callerAddress(req);
    if (!(await this.isTaskAddress(from))) {
      this.options.log.warn('API relay refused to an address that is no task of this agent', { from });
      return respond(res, 403, { code: 'AccessDenied', message: 'not a task of this container instance' });
    }
    await relay.forward(req, res);
  }

  /** Whether an address is one a held task asks from; looked up again on a miss (a container that just started). */
  private async isTaskAddress(from: string): Promise<boolean> {
    if ((await this.taskAddresses).has(from)) return true;
    const collected = this.collectTaskAddresses();
    this.taskAddresses = collected.catch(() => new Set());
    return (await collected).has(from);
  }

  private async collectTaskAddresses(): Promise<Set<string>> {
    const addresses = new Set<string>();
    for (const { assignment } of this.tasks.values()) {
      if (assignment.network) addresses.add(assignment.network.privateIpv4Address);
      else if (assignment.taskDefinition.networkMode !== 'host') {
        for (const address of await this.options.addresses.containerAddresses(assignment.taskArn)) addresses.add(address);
      }
    }
    return addresses;
  }
}

const isCredentialsPath = (url: string | undefined) => (url ?? '').startsWith('/v2/credentials/');

function respond(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const SETTINGS_FILE = 'credentials.json';

/** Starts the endpoint with the key and port of earlier runs (containers keep their URIs across agent restarts). */
export async function startCredentialsServer(dataDir: string, options: Omit<CredentialsServerOptions, 'key'>): Promise<CredentialsServer> {
  const file = join(dataDir, SETTINGS_FILE);
  const saved = await readFile(file, 'utf8').then((s) => JSON.parse(s) as { key: string; port: number }, () => undefined);
  const key = saved ? Buffer.from(saved.key, 'base64') : randomBytes(32);
  const server = new CredentialsServer({ ...options, key });
  const port = await server.listen(saved?.port ?? 0).catch(() => server.listen(0));
  await writeFile(file, JSON.stringify({ key: key.toString('base64'), port }) + '\n', { mode: 0o600 });
  return server;
}
