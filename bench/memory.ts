// Idle memory: RSS of `wharf up` (control plane and local agent) a few seconds after it is ready, with
// nothing running. Goal: under 150 MB. No peer: this is an absolute budget.
import { readFileSync } from 'node:fs';
import { benchWharf, benchmark } from './lib.js';
import type { ReadmeRow } from './readme-table.js';

export async function memoryBenchmark(): Promise<ReadmeRow[]> {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } });
  await new Promise((r) => setTimeout(r, 5000));
  const status = readFileSync(`/proc/${wharf.pid()}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  console.log(`\nIdle RSS of wharf up: ${(rssKb / 1024).toFixed(1)} MB (goal < 150 MB, ${((rssKb / 1024 / 150) * 100).toFixed(0)}% of budget)`);
  return [{ benchmark: 'idle RSS of `wharf up`', wharf: `${(rssKb / 1024).toFixed(1)} MB`, peer: '', ratio: '', goal: '< 150 MB' }];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(memoryBenchmark);
