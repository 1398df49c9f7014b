// What the endpoints the agent serves to its tasks (the task metadata endpoint, the credentials endpoint)
// share: who may ask, where they listen, and how often a caller may ask.
// - Who: a task is answered only from its own addresses: its ENI's for awsvpc, its containers' on the
//   bridge, the host's own for host-network tasks. Any other source is refused like an unknown path.
// - Where: every address. The hosts tasks reach them at (the bridge's gateway, each awsvpc subnet's
//   gateway, loopback, and the address 169.254.170.2 is routed to) come and go with the tasks' networks;
//   a listener per address would have to follow them, and a request racing a new network would be lost.
//   The source check above is what keeps everyone else out, whatever the address they reach.
// - How often: ECS's agent throttles its task endpoints per source with a token bucket, 40 requests a
//   second steady and bursts of 60 (ECS_TASK_METADATA_RPS_LIMIT's default); beyond it, 429.
import { networkInterfaces } from 'node:os';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskAssignment } from '../core/agent-protocol.js';
import { isRuntimeError, type ContainerRuntime } from '../core/runtime.js';
import type { TaskEngine } from './task-engine.js';

/** What the endpoints need to know of where tasks run. */
export interface TaskAddresses {
  /** The addresses the task's running containers have on the engine's networks (bridge tasks). */
  containerAddresses(taskArn: string): Promise<string[]>;
  /** Whether an address is one of this host's own (a host-network task asks from it). */
  isHostAddress(address: string): boolean;
}

/** The addresses of tasks as the engine runs them: each container's, as the runtime inspects it. */
export function runtimeTaskAddresses(runtime: ContainerRuntime, engine: () => Pick<TaskEngine, 'snapshot'> | undefined): TaskAddresses {
  return {
    containerAddresses: async (taskArn) => {
      const ids = (engine()?.snapshot(taskArn)?.containers ?? []).flatMap((c) => (c.runtimeId ? [c.runtimeId] : []));
      const states = await Promise.all(
        ids.map((id) =>
          runtime.inspectContainer(id).catch((err: unknown) => {
            if (isRuntimeError(err, 'ContainerNotFound')) return undefined;
            throw err;
          }),
        ),
      );
      return states.flatMap((s) => (s?.status === 'running' ? (s.ipv4Addresses ?? []) : []));
    },
    isHostAddress: (address) => Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv4' && i.address === address)),
  };
}

/** The address a request comes from, IPv4 as the task knows it (the server listens dual-stack). */
export const callerAddress = (req: Pick<IncomingMessage, 'socket'>): string => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

/** Whether a request from this address comes from the task (its ENI, its bridge containers, or the host for host networking). */
export async function isFromTask(task: TaskAssignment, from: string, addresses: TaskAddresses): Promise<boolean> {
  if (task.network) return from === task.network.privateIpv4Address;
  if (task.taskDefinition.networkMode === 'host') return addresses.isHostAddress(from);
  return (await addresses.containerAddresses(task.taskArn)).includes(from);
}

/** Listens on every address (see above); answers the port. */
export async function listenForTasks(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** ECS agent's defaults for its task endpoints: requests per second, steady and burst. */
export const TASK_ENDPOINT_RATE = { perSecond: 40, burst: 60 };
/** Past this many sources, the full buckets (sources idle long enough) are dropped: an idle source costs no memory. */
const MAX_TRACKED_SOURCES = 1024;

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per source address. */
export class RequestThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** Milliseconds, from any origin. */
    private readonly now: () => number,
    private readonly rate = TASK_ENDPOINT_RATE,
  ) {}

  /** Takes a token for a request from the source: false when it has none left (answer 429). */
  take(source: string): boolean {
    const at = this.now();
    const bucket = this.refilled(this.buckets.get(source), at);
    if (!this.buckets.has(source) && this.buckets.size >= MAX_TRACKED_SOURCES) this.forgetIdle(at);
    this.buckets.set(source, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private refilled(bucket: Bucket | undefined, at: number): Bucket {
    if (!bucket) return { tokens: this.rate.burst, at };
    const tokens = Math.min(this.rate.burst, bucket.tokens + (Math.max(0, at - bucket.at) * this.rate.perSecond) / 1000);
    return { tokens, at };
  }

  private forgetIdle(at: number): void {
    for (const [source, bucket] of this.buckets) {
      if (this.refilled(bucket, at).tokens >= this.rate.burst) this.buckets.delete(source);
    }
  }
}
