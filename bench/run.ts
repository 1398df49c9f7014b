// `npm run bench`: every benchmark, each running Wharf beside its peer in the same run and printing ratios.
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
import { MissingToolError, benchmark, requireTools } from './lib.js';
import { terraformBenchmark } from './terraform.js';

const only = process.argv[2];
const all: Record<string, () => Promise<unknown>> = {
  'task-start': taskStartBenchmark,
  'fargate-start': fargateStartBenchmark,
  api: apiBenchmark,
  'authz-throughput': authzThroughputBenchmark,
  placement: placementBenchmark,
  registry: registryBenchmark,
  memory: memoryBenchmark,
  'service-recovery': serviceRecoveryBenchmark,
  'service-scale': serviceScaleBenchmark,
  'fleet-curve': fleetCurveBenchmark,
  'describe-services': describeServicesBenchmark,
  lb: lbBenchmark,
  authz: authzBenchmark,
  flood: floodBenchmark,
  terraform: terraformBenchmark,
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

const chosen = Object.entries(all).filter(([name]) => !only || only === name);
if (chosen.length === 0) {
  console.error(`[bench] no benchmark named ${only}: ${Object.keys(all).join(', ')}`);
  process.exit(2);
}
try {
  for (const [name] of chosen) requireTools(tools[name] ?? {});
} catch (error) {
  if (!(error instanceof MissingToolError)) throw error;
  console.error(`[bench] ${error.message}`);
  process.exit(1);
}
for (const [, bench] of chosen) await benchmark(bench);
