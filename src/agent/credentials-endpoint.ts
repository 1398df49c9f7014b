// What a task's containers get to reach AWS from inside: the task role's credentials endpoint (the server
// in credentials-server.ts, with the host's routing kept in line with the tasks that have a role), and
// the variables that point the unchanged SDKs and CLI at Wharf (AWS_ENDPOINT_URL, unless turned off) and
// at its region. When Wharf listens on the host's loopback, which only host-network tasks reach, the
// other tasks' AWS_ENDPOINT_URL is the credentials server, which relays their calls (endpoint-relay.ts).
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import type { ContainerRuntime, CredentialsRouting } from '../core/runtime.js';
import { startCredentialsServer, type CredentialsServer } from './credentials-server.js';
import { EndpointRelay } from './endpoint-relay.js';
import { errorMessage } from './local-task.js';
import { runtimeTaskAddresses } from './task-callers.js';
import type { TaskEngine } from './task-engine.js';

export interface CredentialsEndpointOptions {
  dataDir: string;
  runtime: ContainerRuntime;
  log: Logger;
  region: string;
  /** The control plane's endpoint, as this agent reaches it. */
  endpoint: string;
  /** Inject AWS_ENDPOINT_URL (default true). */
  endpointEnvironment?: boolean;
  /** Where containers on the engine's default bridge reach the host. */
  bridgeGateway: string;
  /** Routes 169.254.170.2 to the server; without it, only tasks that reach the server otherwise get credentials. */
  routing?: CredentialsRouting;
  /** The agent's scope for the routing (its container instance). */
  scope: string;
  /** Set once the engine exists (the server asks it which containers a task has). */
  engine: () => Pick<TaskEngine, 'snapshot'> | undefined;
}

const isLoopback = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '[::1]';

export class CredentialsEndpoint {
  private routing: Promise<void> = Promise.resolve();
  private applied?: string;

  private constructor(
    private readonly options: CredentialsEndpointOptions,
    readonly server: CredentialsServer,
  ) {}

  static async start(options: CredentialsEndpointOptions): Promise<CredentialsEndpoint> {
    const { runtime, endpointEnvironment = true } = options;
    const wharf = new URL(options.endpoint);
    const server = await startCredentialsServer(options.dataDir, {
      log: options.log,
      now: () => new Date(),
      ...(endpointEnvironment && isLoopback(wharf.hostname) && { relay: new EndpointRelay(wharf) }),
      addresses: runtimeTaskAddresses(runtime, options.engine),
    });
    const endpoint = new CredentialsEndpoint(options, server);
    // The bridge's rule is in place before the first task can start.
    endpoint.reroute();
    await endpoint.routing;
    return endpoint;
  }

  /** The variables a container gets: the credentials URI (tasks with a task role), Wharf's endpoint, the region. */
  environment(task: TaskAssignment): Record<string, string> {
    const { region, endpointEnvironment = true } = this.options;
    return {
      ...this.server.environment(task),
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      ...(endpointEnvironment && { AWS_ENDPOINT_URL: this.endpointFor(task) }),
    };
  }

  /** Takes the control plane's assignment (the latest credentials) and routes the tasks that have them. */
  update(assignments: readonly TaskAssignment[]): void {
    this.server.update(assignments);
    this.reroute();
  }

  /** Brings the host's routing in line with the tasks holding credentials (a bridge container's address is known once it runs). */
  reroute(): void {
    const { routing, scope, bridgeGateway, log } = this.options;
    if (!routing) return;
    this.routing = this.routing.then(async () => {
      const routes = await this.server.routes(bridgeGateway);
      const wanted = JSON.stringify(routes);
      if (wanted === this.applied) return;
      await routing.apply(scope, routes);
      this.applied = wanted;
    }).catch((err: unknown) => log.error('credentials routes not applied', { error: errorMessage(err) }));
  }

  /** Stops serving; the host's routes to this agent go with it (a restarted agent routes its tasks again). */
  async close(): Promise<void> {
    const { routing, scope, log } = this.options;
    await this.routing;
    await routing?.apply(scope, { port: this.server.listeningPort, tasks: [], hostTasks: false }).catch((err: unknown) => log.error('credentials routes not removed', { error: errorMessage(err) }));
    await this.server.close();
  }

  /** Where the task reaches Wharf: for a loopback endpoint, the relay at the host's address on the task's network. */
  private endpointFor(task: TaskAssignment): string {
    const url = new URL(this.options.endpoint);
    if (task.taskDefinition.networkMode === 'host' || !isLoopback(url.hostname)) return url.origin;
    return `http://${task.network?.gateway ?? this.options.bridgeGateway}:${this.server.listeningPort}`;
  }
}
