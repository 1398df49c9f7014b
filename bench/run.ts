// `npm run bench`: every benchmark, each running Wharf beside its peer in the same run and printing ratios.
import { apiBenchmark } from './api.js';
import { memoryBenchmark } from './memory.js';
import { placementBenchmark } from './placement.js';
import { taskStartBenchmark } from './task-start.js';

const only = process.argv[2];
const all: Record<string, () => Promise<unknown>> = {
  'task-start': taskStartBenchmark,
  api: apiBenchmark,
  placement: placementBenchmark,
  memory: memoryBenchmark,
};
for (const [name, bench] of Object.entries(all)) if (!only || only === name) await bench();
