// `wharf hollow`: many simulated container instances in one process, to measure the control plane at
// scale on one machine. Each is the real agent (registration, the agent channel, the task engine, the
// Submit*StateChange reports) on a HollowRuntime that only pretends to run containers.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ECSClient } from '@aws-sdk/client-ecs';
import { startAgent, type AgentHandle } from '../agent/agent.js';
import type { Logger } from '../core/ports.js';
import { HollowRuntime } from '../runtime/hollow/hollow-runtime.js';
import { DEFAULTS } from './config.js';
import { createLogger } from './logger.js';

/** Agents registering at once: enough to start a thousand in seconds without a thundering herd. */
const STARTING_AT_ONCE = 50;

export interface HollowFleetOptions {
  endpoint: string;
  cluster: string;
  count: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Where each agent keeps its registration (`<dataDir>/hollow-<n>`). */
  dataDir: string;
  cpus: number;
  memoryMiB: number;
  log: Logger;
}

/** Starts `count` hollow agents; resolves once all have registered, with the way to stop them. */
export async function startHollowFleet(options: HollowFleetOptions): Promise<{ agents: AgentHandle[]; stop(): Promise<void> }> {
  const agents: AgentHandle[] = [];
  // One client for the fleet: a thousand clients would each keep their own connections and caches, and the
  // simulator's memory and connection churn would be what the benchmark measured. At most a connection an
  // agent, as a real fleet has.
  const ecs = new ECSClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
    requestHandler: { httpAgent: new HttpAgent({ keepAlive: true, maxSockets: options.count }) },
  });
  const start = async (n: number) => {
    agents.push(
      await startAgent({
        endpoint: options.endpoint,
        cluster: options.cluster,
        region: options.region,
        credentials: options.credentials,
        ecs,
        dataDir: join(options.dataDir, `hollow-${n}`),
        runtime: new HollowRuntime({ cpus: options.cpus, memoryMiB: options.memoryMiB }),
        log: options.log.child({ hollow: n }),
        instanceType: 'wharf.hollow',
        reservedMemoryMiB: 0,
        // Hollow containers have no stats to sample: a thousand agents sending zeros would be all the fleet did.
        metricsIntervalMs: 0,
      }),
    );
  };
  for (let first = 0; first < options.count; first += STARTING_AT_ONCE) {
    const batch = Array.from({ length: Math.min(STARTING_AT_ONCE, options.count - first) }, (_, k) => start(first + k));
    await Promise.all(batch);
  }
  return {
    agents,
    stop: async () => {
      await Promise.all(agents.map((a) => a.stop()));
      ecs.destroy();
    },
  };
}

export async function hollowCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      cluster: { type: 'string' },
      count: { type: 'string' },
      'data-dir': { type: 'string' },
      region: { type: 'string' },
      cpus: { type: 'string' },
      'memory-mib': { type: 'string' },
    },
  });
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('--endpoint (or AWS_ENDPOINT_URL) is required');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required (see `wharf env`)');
  const number = (name: string, value: string | undefined, fallback: number) => {
    const n = Number(value ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
    return n;
  };
  // A thousand agents logging every task would drown the measurement: warnings and errors only, unless asked.
  const log = createLogger(process.env.WHARF_LOG_LEVEL ?? 'warn');
  // Without --data-dir the fleet's state lives in a temp dir of its own, removed when the fleet stops.
  const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'wharf-hollow-'));
  const fleet = await startHollowFleet({
    endpoint,
    cluster: values.cluster ?? 'default',
    count: number('count', values.count, 100),
    region: values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULTS.region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    dataDir,
    cpus: number('cpus', values.cpus, 4),
    memoryMiB: number('memory-mib', values['memory-mib'], 16 * 1024),
    log,
  });
  process.stderr.write(`wharf hollow: ${fleet.agents.length} hollow container instances registered\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await fleet.stop();
  if (values['data-dir'] === undefined) rmSync(dataDir, { recursive: true, force: true });
}
