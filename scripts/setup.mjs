#!/usr/bin/env node
// Makes this machine ready to run Wharf and its tests: npm dependencies, a running Docker engine (installed
// and started on Debian as root when missing), a locally built busybox image, and the TypeScript build. Idempotent and quick when everything is already there. Plain JS: it runs before
// any dependency is installed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => console.error(`[setup] ${msg}`);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
const ok = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');

let aptUpdated = false;
function aptInstall(packages) {
  const installed = (p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p]).stdout?.toString().includes('install ok installed');
  const missing = packages.filter((p) => !installed(p));
  if (missing.length === 0) return true;
  if (!isRoot || !hasApt) {
    say(`missing Debian packages: ${missing.join(' ')}. Install them (apt-get install -y ${missing.join(' ')}) and run again.`);
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) run('apt-get', ['update', '-qq'], { env });
  aptUpdated = true;
  say(`installing ${missing.join(' ')}`);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  return true;
}

function npmDependencies() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing npm dependencies');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const dockerUp = () => ok('docker', ['info']) || ok('curl', ['-sf', '--unix-socket', '/var/run/docker.sock', 'http://d/_ping']);

async function docker() {
  if (dockerUp()) return;
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd')) {
    if (!isRoot || !hasApt) {
      say('Docker is not running and cannot be installed here: install Docker (https://docs.docker.com/engine/install/) and start it, then run again.');
      process.exit(1);
    }
    aptInstall(['docker.io']);
  }
  if (!isRoot) {
    say('Docker is installed but not running: start it (sudo systemctl start docker) and run again.');
    process.exit(1);
  }
  say('starting dockerd');
  const log = openSync('/var/log/wharf-dockerd.log', 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  for (let i = 0; i < 120 && !dockerUp(); i++) await new Promise((r) => setTimeout(r, 500));
  if (!dockerUp()) {
    say('dockerd did not come up: see /var/log/wharf-dockerd.log');
    process.exit(1);
  }
}

npmDependencies();
await docker();
// HAProxy is the load balancers' data plane (Wharf runs it; nothing else does); iproute2 and iptables give
// awsvpc tasks their interfaces and security groups.
aptInstall(['haproxy', 'iproute2', 'iptables']);
// nfs-ganesha (userspace: no kernel NFS server needed) exports EFS file systems to agents on other hosts;
// libnfs-utils' nfs-cat, nfs-ls and nfs-cp read the exports in the tests where the kernel has no NFS client.
aptInstall(['nfs-ganesha', 'nfs-ganesha-vfs', 'libnfs-utils']);
// `npm run bench` (setup.mjs --bench) also needs the peers' tools: wrk drives the load, nginx is a peer of
// the load balancers, dnsmasq of the DNS server (dnsmasq-base: the program without a service that would
// hold port 53). Without them it stops here, before any benchmark starts.
if (process.argv.includes('--bench') && !aptInstall(['wrk', 'nginx', 'dnsmasq-base'])) process.exit(1);
// MiniStack, a peer of the task-start benchmark (bench/ministack.ts): its source unpacked into .bench/ministack
// from a git directory (MINISTACK_GIT, by default where the project's machines mirror it), its Python
// dependencies from Debian. Without the source the benchmark measures the other peers and says so.
if (process.argv.includes('--bench')) {
  const git = process.env.MINISTACK_GIT ?? '/work/.mirror/ministackorg+ministack/repo';
  const home = join(root, '.bench', 'ministack');
  if (existsSync(git) && !existsSync(join(home, 'ministack', 'app.py')) && aptInstall(['python3-hypercorn', 'python3-docker'])) {
    say(`unpacking MiniStack from ${git}`);
    mkdirSync(home, { recursive: true });
    run('sh', ['-c', 'git --git-dir="$1" archive HEAD | tar -x -C "$2"', 'sh', git, home]);
  }
}
// Local images (no public registry is reachable): busybox for the README's examples and the tests, a
// minimal Debian with the AWS CLI (made by debootstrap) for the task-role tests.
aptInstall(['busybox-static', 'debootstrap']);
run('bash', [join(root, 'scripts', 'test-images.sh')]);
say('building');
removeStaleOutput(join(root, 'dist'));
run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);

/** Drops compiled files whose source is gone: tsc never removes them, and they could still be imported or run. */
function removeStaleOutput(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeStaleOutput(path);
    else if (/\.js(\.map)?$/.test(entry.name)) {
      const source = join(root, relative(join(root, 'dist'), path)).replace(/\.js(\.map)?$/, '.ts');
      if (!existsSync(source)) rmSync(path);
    }
  }
}
