// MiniStack (github.com/ministackorg/ministack: a Python AWS emulator whose ECS runs each task's containers
// with Docker, synchronously in RunTask) as a peer of the task-start benchmark. `npm run bench` unpacks its
// source into .bench/ministack (scripts/setup.mjs --bench, from the git directory MINISTACK_GIT names) and
// installs its Python dependencies from Debian (python3-hypercorn, python3-docker); without the source the
// benchmark says so in one line and measures the other peers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, eventually, freePort } from '../test/wharf-process.js';
import { exec, onCleanup, startProcess } from './lib.js';

export const MINISTACK_HOME = join(PACKAGE_ROOT, '.bench', 'ministack');

/** Why MiniStack cannot run here (one line), or undefined when it can. */
export function miniStackMissing(): string | undefined {
  if (!existsSync(join(MINISTACK_HOME, 'ministack', 'app.py')))
    return `MiniStack skipped: no source in ${MINISTACK_HOME} (npm run bench unpacks it there from the git directory MINISTACK_GIT names)`;
  return undefined;
}

/**
 * MiniStack on a free port, stopped with the benchmark, and then the containers it started removed: those
 * carrying its instance label, which names this run alone (MiniStack labels its containers with it).
 */
export async function startMiniStack(): Promise<{ endpoint: string }> {
  const port = await freePort();
  const hostname = `wharf-bench-${process.pid}`;
  // Registered first, so that it runs after MiniStack has stopped (clean-up goes newest first).
  onCleanup(`MiniStack's containers (${hostname}:${port})`, async () => {
    const ids = (await exec('docker', ['ps', '-aq', '--filter', `label=ministack.instance=${hostname}:${port}`])).split('\n').filter(Boolean);
    if (ids.length) await exec('docker', ['rm', '-f', ...ids]);
  });
  const child = startProcess('/usr/bin/python3', ['-m', 'ministack'], {
    cwd: MINISTACK_HOME,
    env: { ...process.env, GATEWAY_PORT: String(port), MINISTACK_HOSTNAME: hostname, LOG_LEVEL: 'WARNING' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`MiniStack exited (${child.exitCode}): are python3-hypercorn and python3-docker installed?`);
    return (await fetch(`${endpoint}/_ministack/health`).then((r) => r.ok, () => false)) || undefined;
  }, 'MiniStack to answer', 60_000);
  return { endpoint };
}
