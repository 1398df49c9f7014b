// `npm run bench`: every benchmark, each running Wharf beside its peer in the same run and printing ratios.
import { apiBenchmark } from './api.js';
import { authzBenchmark } from './authz.js';
import { authzThroughputBenchmark } from './authz-throughput.js';
import { describeServicesBenchmark } from './describe-services.js';
import { fargateStartBenchmark } from './fargate-start.js';
import { floodBenchmark } from './flood.js';
import { lbBenchmark } from './lb.js';
import { memoryBenchmark } from './memory.js';
import { placementBenchmark } from './placement.js';
import { serviceRecoveryBenchmark } from './service-recovery.js';
import { serviceScaleBenchmark } from './service-scale.js';
import { taskStartBenchmark } from './task-start.js';
import { terraformBenchmark } from './terraform.js';

const only = process.argv[2];
const all: Record<string, () => Promise<unknown>> = {
  'task-start': taskStartBenchmark,
  'fargate-start': fargateStartBenchmark,
  api: apiBenchmark,
  'authz-throughput': authzThroughputBenchmark,
  placement: placementBenchmark,
  memory: memoryBenchmark,
  'service-recovery': serviceRecoveryBenchmark,
  'service-scale': serviceScaleBenchmark,
  'describe-services': describeServicesBenchmark,
  lb: lbBenchmark,
  authz: authzBenchmark,
  flood: floodBenchmark,
  terraform: terraformBenchmark,
};
for (const [name, bench] of Object.entries(all)) if (!only || only === name) await bench();
