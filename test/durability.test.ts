// Durability of batched writes: `wharf up` killed with SIGKILL during a burst of concurrent
// RegisterTaskDefinition calls (committed together by State's group commit). After a restart every revision
// acknowledged is there with what its call registered, and every revision there was acknowledged or was
// still unanswered when the process died (its commit may have landed before the answer was written);
// revisions run 1..n without a gap, and the next one registered follows them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startWharf } from './wharf-process.js';

const FAMILY = 'durable';
const CALLERS = 16;
const ACKNOWLEDGED_BEFORE_KILL = 300;

const register = (ecs: ECSClient, call: string) =>
  ecs.send(
    new RegisterTaskDefinitionCommand({
      family: FAMILY,
      containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 16, environment: [{ name: 'CALL', value: call }] }],
    }),
  );

test('SIGKILL during a burst of RegisterTaskDefinition: every acknowledged revision survives, none that was not', async () => {
  const wharf = await startWharf();
  try {
    // One attempt per call: a retry could register a second revision for one call.
    const ecs = new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 });
    const acknowledged = new Map<string, number>(); // call -> revision
    const unanswered = new Set<string>();
    let killed: Promise<unknown> | undefined;
    let calls = 0;
    const caller = async () => {
      for (;;) {
        const call = `call-${calls++}`;
        unanswered.add(call);
        try {
          const { taskDefinition } = await register(ecs, call);
          unanswered.delete(call);
          acknowledged.set(call, taskDefinition!.revision!);
        } catch {
          return; // the server is gone: this call's outcome is unknown, it stays unanswered
        }
        if (acknowledged.size >= ACKNOWLEDGED_BEFORE_KILL) killed ??= wharf.stop('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    await killed;
    assert.ok(unanswered.size > 0, 'calls were in flight when it died');

    await wharf.restart();
    const after = wharf.ecs();
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await after.send(new ListTaskDefinitionsCommand({ familyPrefix: FAMILY, nextToken }));
      arns.push(...(page.taskDefinitionArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const stored = new Map<number, string>(); // revision -> call
    for (let i = 0; i < arns.length; i += CALLERS) {
      await Promise.all(
        arns.slice(i, i + CALLERS).map(async (taskDefinition) => {
          const { taskDefinition: found } = await after.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
          stored.set(found!.revision!, found!.containerDefinitions![0]!.environment![0]!.value!);
        }),
      );
    }
    for (const [call, revision] of acknowledged) assert.equal(stored.get(revision), call, `acknowledged revision ${revision} (${call}) is there`);
    for (const [revision, call] of stored)
      assert.ok(acknowledged.get(call) === revision || unanswered.has(call), `revision ${revision} (${call}) was acknowledged or unanswered`);
    const revisions = [...stored.keys()].sort((a, b) => a - b);
    assert.deepEqual(revisions, revisions.map((_, i) => i + 1), 'no gap');
    const { taskDefinition: next } = await register(after, 'after-restart');
    assert.equal(next!.revision, revisions.length + 1, 'the next revision follows the stored ones');
  } finally {
    await wharf.stop();
  }
});
