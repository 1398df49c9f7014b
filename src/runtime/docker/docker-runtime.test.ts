// DockerRuntime against the real Docker daemon, with the locally built wharf-test/busybox image. Every
// container and volume made here carries a per-run label and is removed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { isRuntimeError, type ContainerSpec, type RuntimeEvent } from '../../core/runtime.js';
import { DockerRuntime } from './docker-runtime.js';

const IMAGE = 'wharf-test/busybox:latest';
const run = randomBytes(4).toString('hex');
const labels = { 'wharf.test': run };
const docker = new Docker();
const runtime = new DockerRuntime();

const spec = (name: string, extra: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name: `wharf-test-${run}-${name}`,
  image: IMAGE,
  labels,
  networkMode: 'bridge',
  ...extra,
});

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  assert.ok(await runtime.hasImage(IMAGE), `${IMAGE} must exist (scripts/test-images.sh)`);
});

after(async () => {
  for (const c of await runtime.listContainers(labels)) await runtime.removeContainer(c.id);
  for (const name of await runtime.listVolumes(labels)) await runtime.removeVolume(name);
});

describe('DockerRuntime', () => {
  it('reports the host and engine', async () => {
    const info = await runtime.info();
    assert.ok(info.cpus >= 1);
    assert.ok(info.memoryBytes > 64 * 1024 * 1024);
    assert.match(info.version, /^\d+\.\d+/);
    assert.match(info.apiVersion, /^1\.\d+$/);
    assert.equal(info.os, 'linux');
  });

  it('knows which images are present', async () => {
    assert.equal(await runtime.hasImage(IMAGE), true);
    assert.equal(await runtime.hasImage(`wharf-test/absent-${run}:latest`), false);
  });

  it('fails a pull from an unreachable registry with ImagePullFailed', async () => {
    await assert.rejects(runtime.pullImage(`localhost:1/wharf-absent-${run}:latest`), (err) =>
      isRuntimeError(err, 'ImagePullFailed'),
    );
  });

  it('creates, starts, inspects, stops and removes a container', async () => {
    const id = await runtime.createContainer(
      spec('lifecycle', {
        command: ['sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.1; done'],
        environment: { GREETING: 'hello' },
        memoryBytes: 64 * 1024 * 1024,
        memoryReservationBytes: 32 * 1024 * 1024,
        cpuShares: 256,
        stopTimeoutSeconds: 7,
        ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
      }),
    );
    let state = await runtime.inspectContainer(id);
    assert.equal(state.status, 'created');
    assert.equal(state.name, `wharf-test-${run}-lifecycle`);
    assert.equal(state.labels['wharf.test'], run);
    assert.equal(state.stopTimeoutSeconds, 7);

    await runtime.startContainer(id);
    state = await runtime.inspectContainer(id);
    assert.equal(state.status, 'running');
    assert.ok(state.startedAt instanceof Date);

    const raw = await docker.getContainer(id).inspect();
    assert.equal(raw.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(raw.HostConfig.MemoryReservation, 32 * 1024 * 1024);
    assert.equal(raw.HostConfig.CpuShares, 256);
    assert.deepEqual(raw.HostConfig.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
    assert.ok(raw.Config.Env.includes('GREETING=hello'));

    await runtime.stopContainer(id, 10);
    state = await runtime.inspectContainer(id);
    assert.equal(state.status, 'exited');
    assert.equal(state.exitCode, 3, 'SIGTERM reached the trap');
    assert.ok(state.finishedAt instanceof Date);
    await runtime.stopContainer(id, 10); // stopping a stopped container is a no-op

    await runtime.removeContainer(id);
    await assert.rejects(runtime.inspectContainer(id), (err) => isRuntimeError(err, 'ContainerNotFound'));
    await runtime.removeContainer(id); // removing a removed container is a no-op
  });

  it('kills a container that ignores SIGTERM once the stop timeout passes', async () => {
    // sleep as PID 1 has no SIGTERM handler, so only SIGKILL ends it.
    const id = await runtime.createContainer(spec('stubborn', { command: ['sleep', '300'] }));
    await runtime.startContainer(id);
    await runtime.stopContainer(id, 1);
    const state = await runtime.inspectContainer(id);
    assert.equal(state.status, 'exited');
    assert.equal(state.exitCode, 137);
  });

  it('publishes static and dynamic host ports and reads the bindings back', async () => {
    const id = await runtime.createContainer(
      spec('ports', {
        command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'],
        ports: [
          { containerPort: 8080, protocol: 'tcp' },
          { containerPort: 9090, protocol: 'udp', hostPort: 0 },
        ],
      }),
    );
    await runtime.startContainer(id);
    const { networkBindings } = await runtime.inspectContainer(id);
    const tcp = networkBindings.filter((b) => b.containerPort === 8080);
    const udp = networkBindings.filter((b) => b.containerPort === 9090);
    assert.ok(tcp.length >= 1 && tcp.every((b) => b.protocol === 'tcp' && b.hostPort > 0));
    assert.ok(udp.length >= 1 && udp.every((b) => b.protocol === 'udp' && b.hostPort > 0));
    const hostPort = tcp[0]!.hostPort;
    const body = await until(
      () => fetch(`http://127.0.0.1:${hostPort}/`).then((r) => r.text()).catch(() => undefined),
      'httpd to answer',
    );
    assert.equal(body.trim(), 'wharf');

    // The same port again as a static binding on another container.
    await runtime.stopContainer(id, 0);
    const fixed = await runtime.createContainer(
      spec('static-port', { command: ['sleep', '30'], ports: [{ containerPort: 80, hostPort, protocol: 'tcp' }] }),
    );
    await runtime.startContainer(fixed);
    const bound = (await runtime.inspectContainer(fixed)).networkBindings;
    assert.ok(bound.some((b) => b.containerPort === 80 && b.hostPort === hostPort));
    await runtime.stopContainer(fixed, 0);
  });

  it('lists containers by label, running or not', async () => {
    const mine = { ...labels, 'wharf.test-list': 'yes' };
    const id = await runtime.createContainer(spec('listed', { labels: mine, command: ['true'] }));
    const listed = await runtime.listContainers(mine);
    assert.deepEqual(listed.map((c) => c.id), [id]);
    assert.equal(listed[0]!.name, `wharf-test-${run}-listed`);
    assert.equal(listed[0]!.labels['wharf.test-list'], 'yes');
  });

  it('streams die and health events of labelled containers', async () => {
    const controller = new AbortController();
    const events = await runtime.events(labels, controller.signal);
    const seen: RuntimeEvent[] = [];
    const consumed = (async () => {
      for await (const event of events) seen.push(event);
    })();

    const id = await runtime.createContainer(
      spec('events', {
        command: ['sleep', '30'],
        healthCheck: { command: ['CMD-SHELL', 'true'], intervalSeconds: 0.2, timeoutSeconds: 1, retries: 1, startPeriodSeconds: 0 },
      }),
    );
    await runtime.startContainer(id);
    await until(async () => (seen.some((e) => e.containerId === id && e.kind === 'health') ? true : undefined), 'health');
    assert.equal((await runtime.inspectContainer(id)).health, 'HEALTHY');
    await runtime.stopContainer(id, 0);
    await until(async () => (seen.some((e) => e.containerId === id && e.kind === 'die') ? true : undefined), 'die');
    assert.ok(seen.some((e) => e.containerId === id && e.kind === 'start'));
    assert.equal((await runtime.inspectContainer(id)).exitCode, 137);

    controller.abort();
    await consumed; // the iterable ends quietly on abort
  });

  it('reports an OOM kill', async () => {
    const id = await runtime.createContainer(
      spec('oom', {
        // Keeps doubling a shell variable until the 8 MiB limit kills it.
        command: ['sh', '-c', 'x=xxxxxxxxxxxxxxxx; while true; do x="$x$x"; done'],
        memoryBytes: 8 * 1024 * 1024,
      }),
    );
    await runtime.startContainer(id);
    const state = await until(async () => {
      const s = await runtime.inspectContainer(id);
      return s.status === 'exited' ? s : undefined;
    }, 'the OOM kill');
    assert.equal(state.oomKilled, true);
    assert.equal(state.exitCode, 137);
  });

  it('creates, finds and removes volumes', async () => {
    const name = `wharf-test-${run}-vol`;
    assert.equal(await runtime.hasVolume(name), false);
    await runtime.createVolume({ name, labels });
    await runtime.createVolume({ name, labels }); // idempotent
    assert.equal(await runtime.hasVolume(name), true);
    assert.deepEqual(await runtime.listVolumes(labels), [name]);
    const id = await runtime.createContainer(
      spec('volume-user', { command: ['sh', '-c', 'echo hi > /data/f'], mounts: [{ kind: 'volume', source: name, containerPath: '/data', readOnly: false }] }),
    );
    await runtime.startContainer(id);
    await until(async () => ((await runtime.inspectContainer(id)).status === 'exited' ? true : undefined), 'exit');
    assert.equal((await runtime.inspectContainer(id)).exitCode, 0);
    await runtime.removeContainer(id);
    await runtime.removeVolume(name);
    assert.equal(await runtime.hasVolume(name), false);
    await runtime.removeVolume(name); // idempotent
  });

  it('makes a network once when agents ask for it at the same time, and refuses its range under another name', async () => {
    const subnet = `10.251.${randomBytes(1)[0]}.0/24`;
    const network = { name: `wharf-test-${run}-net`, subnet, gateway: subnet.replace('0/24', '1'), labels };
    const other = new DockerRuntime();
    try {
      // All settled before the clean-up below, so that none makes its network after it.
      const made = await Promise.allSettled([...Array(4)].map((_, i) => (i % 2 ? other : runtime).ensureNetwork(network)));
      assert.deepEqual(made, [...Array(4)].map(() => ({ status: 'fulfilled', value: undefined })));
      assert.deepEqual(await runtime.listNetworks(labels), [network.name]);
      await runtime.ensureNetwork(network);
      await assert.rejects(runtime.ensureNetwork({ ...network, name: `wharf-test-${run}-twin` }), (err) => isRuntimeError(err, 'Conflict'));
      await assert.rejects(runtime.ensureNetwork({ ...network, subnet: '10.252.0.0/24', gateway: '10.252.0.1' }), (err) => isRuntimeError(err, 'Conflict'));
    } finally {
      for (const name of await runtime.listNetworks(labels)) await runtime.removeNetwork(name);
    }
  });

  it('maps engine failures to runtime error codes', async () => {
    await assert.rejects(runtime.startContainer(`absent-${run}`), (err) => isRuntimeError(err, 'ContainerNotFound'));
    await assert.rejects(
      runtime.createContainer({ ...spec('no-image'), image: `wharf-test/absent-${run}:latest` }),
      (err) => isRuntimeError(err, 'ImageNotFound'),
    );
    await runtime.createContainer(spec('taken', { command: ['true'] }));
    await assert.rejects(runtime.createContainer(spec('taken')), (err) => isRuntimeError(err, 'Conflict'));
    const unreachable = new DockerRuntime({ socketPath: `/tmp/wharf-no-docker-${run}.sock` });
    await assert.rejects(unreachable.info(), (err) => isRuntimeError(err, 'RuntimeUnavailable'));
  });
});
