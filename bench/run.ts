// `npm run bench`: every benchmark, each running Wharf beside its peer in the same run and printing ratios.
// `npm run bench -- NAME...` runs the named ones; `--readme` also rewrites README.md's table from what they
// returned (the rows of benchmarks not run are kept), with the run's time, machine and load average.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { API_TOOLS, apiBenchmark } from './api.js';
import { authzBenchmark } from './authz.js';
import { autoscalingBenchmark } from './autoscaling.js';
import { capacityBenchmark } from './capacity.js';
import { authzThroughputBenchmark } from './authz-throughput.js';
import { dynamodbBenchmark } from './dynamodb.js';
import { describeServicesBenchmark } from './describe-services.js';
import { DNS_TOOLS, dnsBenchmark } from './dns.js';
import { eventPatternsBenchmark } from './event-patterns.js';
import { fargateStartBenchmark } from './fargate-start.js';
import { floodBenchmark } from './flood.js';
import { LB_TOOLS, lbBenchmark } from './lb.js';
import { LOGS_TOOLS, logsBenchmark } from './logs.js';
import { cloudwatchBenchmark } from './cloudwatch.js';
import { memoryBenchmark } from './memory.js';
import { placementBenchmark } from './placement.js';
import { registryBenchmark } from './registry.js';
import { s3Benchmark } from './s3.js';
import { serviceRecoveryBenchmark } from './service-recovery.js';
import { fleetCurveBenchmark, serviceScaleBenchmark } from './service-scale.js';
import { taskStartBenchmark } from './task-start.js';
import { BenchmarkSkipped, MissingToolError, benchmark, requireTools } from './lib.js';
import { readTable, renderTable, replaceTable, updateTable, type Outcome, type ReadmeRow } from './readme-table.js';
import { terraformBenchmark } from './terraform.js';

const args = process.argv.slice(2);
const readme = args.includes('--readme');
const only = args.filter((arg) => arg !== '--readme');
// The table takes a benchmark's rows whole: a run of some of the api rows (for profiling) must not replace them all.
if (readme && process.env.WHARF_BENCH_API_OPS) {
  console.error('[bench] --readme needs every api row: unset WHARF_BENCH_API_OPS');
  process.exit(2);
}
/** Each benchmark, in the README table's order; each returns its rows of the table. */
const all: Record<string, () => Promise<ReadmeRow[]>> = {
  'task-start': taskStartBenchmark,
  'fargate-start': fargateStartBenchmark,
  api: apiBenchmark,
  placement: placementBenchmark,
  memory: memoryBenchmark,
  'service-recovery': serviceRecoveryBenchmark,
  'service-scale': serviceScaleBenchmark,
  'fleet-curve': fleetCurveBenchmark,
  'describe-services': describeServicesBenchmark,
  lb: lbBenchmark,
  terraform: terraformBenchmark,
  authz: authzBenchmark,
  'authz-throughput': authzThroughputBenchmark,
  flood: floodBenchmark,
  registry: registryBenchmark,
  'event-patterns': eventPatternsBenchmark,
  autoscaling: autoscalingBenchmark,
  capacity: capacityBenchmark,
  dynamodb: dynamodbBenchmark,
  logs: logsBenchmark,
  cloudwatch: cloudwatchBenchmark,
  s3: s3Benchmark,
  dns: dnsBenchmark,
};
// The peers' tools, checked for every benchmark chosen before any starts (`npm run bench` installs them).
const tools: Record<string, Record<string, string>> = { api: API_TOOLS, lb: LB_TOOLS, logs: LOGS_TOOLS, dns: DNS_TOOLS };

const unknown = only.filter((name) => !(name in all));
if (unknown.length > 0) {
  console.error(`[bench] no benchmark named ${unknown.join(', ')}: ${Object.keys(all).join(', ')}`);
  process.exit(2);
}
const chosen = Object.entries(all).filter(([name]) => only.length === 0 || only.includes(name));
try {
  for (const [name] of chosen) requireTools(tools[name] ?? {});
} catch (error) {
  if (!(error instanceof MissingToolError)) throw error;
  console.error(`[bench] ${error.message}`);
  process.exit(1);
}
// The load average's range over the run, sampled every 5 s (the 1-minute figure).
const load = [loadavg()[0]!];
const sampler = setInterval(() => load.push(loadavg()[0]!), 5000).unref();
const startedAt = new Date();
// One benchmark failing does not stop the others; the run fails at the end.
const outcomes: Outcome[] = [];
for (const [name, bench] of chosen) {
  const started = performance.now();
  try {
    outcomes.push({ name, rows: await benchmark(bench) });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    console.error(`[bench] ${name} ${error instanceof BenchmarkSkipped ? 'skipped' : 'failed'}: ${message}`);
    if (!(error instanceof BenchmarkSkipped)) console.error(error);
    outcomes.push(error instanceof BenchmarkSkipped ? { name, skipped: message } : { name, failed: message });
  }
  console.log(`[bench] ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
clearInterval(sampler);
load.push(loadavg()[0]!);

if (readme) {
  const file = new URL('../../README.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const run = {
    when: `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    machine: `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    load: `${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`,
  };
  writeFileSync(file, replaceTable(text, renderTable(updateTable(readTable(text), run, outcomes, Object.keys(all)))));
  console.log(`[bench] README.md's table rewritten: ${outcomes.map((o) => o.name).join(', ')}`);
}
if (outcomes.some((o) => 'failed' in o)) process.exitCode = 1;
