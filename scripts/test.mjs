#!/usr/bin/env node
// `npm test` after setup: node's own test runner over every test the sources have, four files at a time. The
// end-to-end suites go first, the longest of them at the head: started last, one of them would run on alone
// and stretch the whole run; the short unit files fill in at the end. Plain JS, like setup.mjs.
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
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
    .map((entry) => join(root, 'dist', entry.parentPath.slice(root.length + 1), entry.name.replace(/\.ts$/, '.js')))
    .sort();
}

const rank = (file) => {
  const index = LONGEST_FIRST.indexOf(relative(join(root, 'dist', 'test'), file).replace(/\.test\.js$/, ''));
  return index === -1 ? LONGEST_FIRST.length : index;
};
const e2e = testsUnder('test').sort((a, b) => rank(a) - rank(b));
const files = [...e2e, ...testsUnder('src'), ...testsUnder('bench')];

// node:test's run() keeps this order (`node --test <files>` sorts them); TAP, as `node --test` prints when piped.
const stream = run({ files, concurrency: 4, timeout: 900_000 });
stream.on('test:fail', () => (process.exitCode = 1));
stream.compose(tap).pipe(process.stdout);
