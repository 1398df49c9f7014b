// Benchmarks that behave: run with their peer tool missing, a benchmark fails with one clear line before
// starting anything; with the tool there but failing mid-run, it stops everything it had started (Wharf,
// moto, task containers, temp dirs) before it exits. Processes are found by a marker in their environment
// (children inherit it), containers by the task family the benchmark registers.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The package root, whether this runs from test/ (tsx) or dist/test/ (compiled): the runner is the source.
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const runner = join(root, 'bench', 'run.ts');

/**
 * Runs `npm run bench -- <name>` (from the sources) with `path` and its own temp dir `tmp` (so that what other
 * benchmarks on the machine make there is not taken for its leftovers); resolves with its exit code and output.
 */
function bench(name: string, path: string, marker: string, tmp = tmpdir()): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner, name], {
      cwd: root,
      env: { ...process.env, PATH: path, WHARF_BENCH_HYGIENE: marker, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The PATH with `tool` taken out: each directory holding it replaced by one of links to everything else in
 * it (under `shadow`), and `extra` first.
 */
function pathWithout(tool: string, shadow: string, extra?: string): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).map((dir, i) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return dir;
    }
    if (!entries.includes(tool)) return dir;
    const copy = join(shadow, String(i));
    mkdirSync(copy);
    for (const entry of entries) if (entry !== tool) symlinkSync(join(dir, entry), join(copy, entry));
    return copy;
  });
  return [...(extra ? [extra] : []), ...dirs].join(delimiter);
}

/** Live processes whose environment carries the marker. */
function marked(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`WHARF_BENCH_HYGIENE=${marker}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const benchContainers = () => execFileSync('docker', ['ps', '-aq', '--filter', 'label=com.amazonaws.ecs.task-definition-family=bench']).toString().split('\n').filter(Boolean);
/** What a benchmark (and any Wharf it started) left in `tmp`. */
const wharfDirs = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith('wharf'));

test('api with wrk missing: one clear line, nothing started', async () => {
  const marker = randomUUID();
  const shadow = mkdtempSync(join(tmpdir(), 'wharf-no-wrk-'));
  try {
    const { code, stderr, stdout } = await bench('api', pathWithout('wrk', shadow), marker);
    assert.equal(code, 1);
    assert.match(stderr, /^\[bench\] missing: wrk \(.*\)\n$/);
    assert.equal(stdout, '');
    assert.deepEqual(marked(marker), []);
  } finally {
    rmSync(shadow, { recursive: true, force: true });
  }
});

test('api with a wrk that fails mid-run: everything it started is stopped', async () => {
  const marker = randomUUID();
  const shadow = mkdtempSync(join(tmpdir(), 'wharf-fake-wrk-'));
  try {
    mkdirSync(join(shadow, 'bin'));
    writeFileSync(join(shadow, 'bin', 'wrk'), '#!/bin/sh\necho "wrk: broken" >&2\nexit 1\n');
    chmodSync(join(shadow, 'bin', 'wrk'), 0o755);
    const containersBefore = benchContainers();
    const tmp = join(shadow, 'tmp');
    mkdirSync(tmp);
    const { code, stderr } = await bench('api', pathWithout('wrk', shadow, join(shadow, 'bin')), marker, tmp);
    assert.notEqual(code, 0);
    assert.match(stderr, /wrk: broken/);
    assert.deepEqual(marked(marker), [], 'no Wharf, moto or other process left');
    assert.deepEqual(benchContainers().filter((id) => !containersBefore.includes(id)), [], 'no task container left');
    assert.deepEqual(wharfDirs(tmp), [], 'no temp dir left');
  } finally {
    rmSync(shadow, { recursive: true, force: true });
  }
});
