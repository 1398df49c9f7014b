#!/usr/bin/env node
// `npm test` after setup: node's own test runner over every test the sources have (a compiled file whose
// source is gone is not run), four files at a time. The end-to-end suites go first, the longest of them at the
// head: started last, one of them would run on alone and stretch the whole run; the short unit files fill in
// at the end. Plain JS, like setup.mjs.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The end-to-end suites that take longest (minutes each on 2 cores), longest first. Suites that hold the host
 * lock (hardening, fargate, service-discovery-tasks) are spread out, so that they do not wait on each other
 * in the runner's slots. A name missing here only runs later.
 */
const LONGEST_FIRST = [
  'terraform-ecs',
  'hardening',
  'terraform-records',
  'seed-flows',
  'deployments',
  'fargate',
  'load-balancers',
  'services',
  's3',
  'service-discovery-tasks',
  'autoscaling',
  'ecr-tasks',
  'tls',
  'cli',
];

/** Every `*.test.ts` under `dir`, as its compiled path under dist/. */
function testsUnder(dir) {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join('dist', entry.parentPath.slice(root.length + 1), entry.name.replace(/\.ts$/, '.js')))
    .sort();
}

const rank = (file) => {
  const index = LONGEST_FIRST.indexOf(file.replace(/^dist\/test\/(.*)\.test\.js$/, '$1'));
  return index === -1 ? LONGEST_FIRST.length : index;
};
const e2e = testsUnder('test').sort((a, b) => rank(a) - rank(b));
const files = [...e2e, ...testsUnder('src'), ...testsUnder('bench')];

const { status, signal } = spawnSync(process.execPath, ['--test', '--test-concurrency=4', '--test-timeout=900000', ...files], { cwd: root, stdio: 'inherit' });
process.exit(status ?? (signal ? 1 : 0));
