// The lock file must install on a clean clone: setup skips `npm ci` when node_modules is newer than the
// lock, so a lock out of step with package.json (say, optional platform packages the registry lacks) only
// shows on a fresh machine. `npm ci --dry-run` checks the same agreement in about a second.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);

test('package-lock.json agrees with package.json as npm ci requires', () => {
  const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr.split('\n').filter((l) => l.includes('Missing') || l.includes('sync')).join('\n') || run.stderr);
});
