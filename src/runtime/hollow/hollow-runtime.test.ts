import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRuntimeError, type ContainerRuntime, type RuntimeEvent } from '../../core/runtime.js';
import { HollowRuntime } from './hollow-runtime.js';

const spec = (name: string, labels: Record<string, string>, healthCheck = false) => ({
  name,
  image: 'any',
  labels,
  networkMode: 'bridge' as const,
  ports: [{ containerPort: 80, protocol: 'tcp' as const }],
  ...(healthCheck && { healthCheck: { command: ['CMD', 'true'], intervalSeconds: 5, timeoutSeconds: 2, retries: 3, startPeriodSeconds: 0 } }),
});

test('containers run once started, healthy when checked, and stop; events carry what happened to the labelled ones', async () => {
  const runtime: ContainerRuntime = new HollowRuntime({ cpus: 2, memoryMiB: 1024 });
  assert.deepEqual([(await runtime.info()).cpus, (await runtime.info()).memoryBytes], [2, 1024 * 1024 * 1024]);
  const stop = new AbortController();
  const stream = await runtime.events({ owner: 'me' }, stop.signal);
  const seen: RuntimeEvent[] = [];
  const reading = (async () => {
    for await (const e of stream) seen.push(e);
  })();

  const id = await runtime.createContainer(spec('a', { owner: 'me' }, true));
  const other = await runtime.createContainer(spec('b', { owner: 'you' }));
  assert.equal((await runtime.inspectContainer(id)).status, 'created');
  await runtime.startContainer(id);
  await runtime.startContainer(other);
  const started = await runtime.inspectContainer(id);
  assert.deepEqual([started.status, started.health, started.networkBindings[0]!.hostPort], ['running', 'HEALTHY', 32768]);
  assert.deepEqual((await runtime.listContainers({ owner: 'me' })).map((c) => c.id), [id]);
  await runtime.stopContainer(id, 30);
  assert.deepEqual([(await runtime.inspectContainer(id)).status, (await runtime.inspectContainer(id)).exitCode], ['exited', 0]);
  await runtime.removeContainer(id);
  await assert.rejects(runtime.inspectContainer(id), (err) => isRuntimeError(err, 'ContainerNotFound'));

  await new Promise((r) => setImmediate(r));
  stop.abort();
  await reading;
  assert.deepEqual(seen.map((e) => e.kind), ['start', 'health', 'die', 'destroy']);
  assert.ok(seen.every((e) => e.containerId === id));
});
