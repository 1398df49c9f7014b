// CloudWatch Logs through its control functions, over a real SQLite event store and a manual clock:
// PutLogEvents' limits, GetLogEvents' tokens, FilterLogEvents' paging, retention, describe and tags.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { SqliteLogEventStore } from '../../store/sqlite/log-event-store.js';
import { fixture } from '../ecs/fixtures.js';
import { filterLogEvents } from './filter-log-events.js';
import { getLogEvents } from './get-log-events.js';
import { createLogGroup, deleteLogGroup, describeLogGroups } from './log-groups.js';
import { createLogStream, describeLogStreams } from './log-streams.js';
import { putLogEvents } from './put-log-events.js';
import { enforceRetention, putRetentionPolicy } from './retention.js';
import { listTagsForResource, listTagsLogGroup, tagResource, untagResource } from './tags.js';

const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;

async function world() {
  const f = await fixture();
  f.ctx.logEvents = new SqliteLogEventStore(':memory:');
  const now = () => f.ctx.clock.now().getTime();
  await createLogGroup(f.ctx, { logGroupName: '/ecs/web', tags: { team: 'web' } });
  await createLogStream(f.ctx, { logGroupName: '/ecs/web', logStreamName: 'a' });
  await createLogStream(f.ctx, { logGroupName: '/ecs/web', logStreamName: 'b' });
  const put = (stream: string, messages: string[], at = now()) =>
    putLogEvents(f.ctx, { logGroupName: '/ecs/web', logStreamName: stream, logEvents: messages.map((message, i) => ({ timestamp: at + i, message })) });
  return { ...f, now, put };
}

describe('CloudWatch Logs', () => {
  it('PutLogEvents refuses bad batches whole and rejects events outside the window one by one', async () => {
    const w = await world();
    const t = w.now();
    const events = (stamps: number[]) => stamps.map((timestamp) => ({ timestamp, message: `at ${timestamp}` }));
    const put = (logEvents: { timestamp: number; message: string }[], stream = 'a', group = '/ecs/web') => putLogEvents(w.ctx, { logGroupName: group, logStreamName: stream, logEvents });
    await assert.rejects(put(events([t, t - 1])), code('InvalidParameterException'));
    await assert.rejects(put([{ timestamp: t, message: 'x'.repeat(262_144) }]), code('InvalidParameterException'));
    await assert.rejects(put(Array.from({ length: 5 }, () => ({ timestamp: t, message: 'x'.repeat(250_000) }))), code('InvalidParameterException'));
    await assert.rejects(put(events([t - 25 * 3600_000, t])), code('InvalidParameterException'));
    await assert.rejects(put(events([t]), 'a', '/missing'), code('ResourceNotFoundException'));
    await assert.rejects(put(events([t]), 'missing'), code('ResourceNotFoundException'));
    assert.deepEqual((await getLogEvents(w.ctx, { logGroupName: '/ecs/web', logStreamName: 'a' })).events, []);

    const old = t - 15 * 86_400_000;
    const out = await put(events([old, old + 1]));
    assert.deepEqual(out.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
    const future = await put(events([t + 1, t + 3 * 3600_000]));
    assert.deepEqual(future.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
    assert.deepEqual((await getLogEvents(w.ctx, { logGroupName: '/ecs/web', logStreamName: 'a', startFromHead: true })).events.map((e) => e.timestamp), [t + 1]);
  });

  it('GetLogEvents pages forward and backward, and hands back the same token at either end', async () => {
    const w = await world();
    const t = w.now();
    await w.put('a', ['one', 'two', 'three', 'four', 'five'], t);
    const read = (input: { nextToken?: string; startFromHead?: boolean; limit?: number }) => getLogEvents(w.ctx, { logGroupName: '/ecs/web', logStreamName: 'a', ...input });
    const head = await read({ startFromHead: true, limit: 2 });
    assert.deepEqual(head.events.map((e) => e.message), ['one', 'two']);
    assert.match(head.nextForwardToken, /^f\/\d{56}$/);
    assert.match(head.nextBackwardToken, /^b\/\d{56}$/);
    const next = await read({ nextToken: head.nextForwardToken, limit: 2 });
    assert.deepEqual(next.events.map((e) => e.message), ['three', 'four']);
    const last = await read({ nextToken: next.nextForwardToken, limit: 2 });
    assert.deepEqual(last.events.map((e) => e.message), ['five']);
    const end = await read({ nextToken: last.nextForwardToken, limit: 2 });
    assert.deepEqual(end.events, []);
    assert.equal(end.nextForwardToken, last.nextForwardToken);
    // A follower sees what arrives later with the token it holds.
    await w.put('a', ['six'], t + 10);
    assert.deepEqual((await read({ nextToken: end.nextForwardToken })).events.map((e) => e.message), ['six']);

    const tail = await read({ limit: 2 });
    assert.deepEqual(tail.events.map((e) => e.message), ['five', 'six']);
    const back = await read({ nextToken: tail.nextBackwardToken, limit: 2 });
    assert.deepEqual(back.events.map((e) => e.message), ['three', 'four']);
    const start = await read({ nextToken: (await read({ nextToken: back.nextBackwardToken, limit: 5 })).nextBackwardToken });
    assert.deepEqual(start.events, []);
    await assert.rejects(read({ nextToken: 'f/123' }), code('InvalidParameterException'));
  });

  it('FilterLogEvents interleaves streams in time order, filters, and pages with nextToken', async () => {
    const w = await world();
    const t = w.now();
    await w.put('a', ['GET /a 200', 'GET /b 500', 'GET /c 200'], t);
    await w.put('b', ['POST /x 500', 'POST /y 404'], t);
    const all = await filterLogEvents(w.ctx, { logGroupName: '/ecs/web' });
    assert.deepEqual(all.events.map((e) => `${e.logStreamName}:${e.message}`), ['a:GET /a 200', 'b:POST /x 500', 'a:GET /b 500', 'b:POST /y 404', 'a:GET /c 200']);
    assert.equal(all.nextToken, undefined);
    const errors = await filterLogEvents(w.ctx, { logGroupName: '/ecs/web', filterPattern: '[method, path, status = 5*]' });
    assert.deepEqual(errors.events.map((e) => e.message), ['POST /x 500', 'GET /b 500']);
    assert.deepEqual((await filterLogEvents(w.ctx, { logGroupName: '/ecs/web', logStreamNames: ['b'] })).events.length, 2);
    assert.deepEqual((await filterLogEvents(w.ctx, { logGroupName: '/ecs/web', logStreamNamePrefix: 'a', filterPattern: '?404 ?500' })).events.map((e) => e.message), ['GET /b 500']);
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const out = await filterLogEvents(w.ctx, { logGroupName: '/ecs/web', limit: 2, nextToken: token });
      pages.push(out.events.map((e) => e.message));
      token = out.nextToken;
    } while (token);
    assert.deepEqual(pages.flat(), all.events.map((e) => e.message));
    assert.equal(pages.length, 3);
    await assert.rejects(filterLogEvents(w.ctx, { logGroupName: '/ecs/web', filterPattern: '{ $.a = ' }), code('InvalidParameterException'));
  });

  it('describes groups and streams, keeps tags, enforces retention, and deletes data with the group', async () => {
    const w = await world();
    await createLogGroup(w.ctx, { logGroupName: '/other' });
    await assert.rejects(createLogGroup(w.ctx, { logGroupName: '/other' }), code('ResourceAlreadyExistsException'));
    assert.deepEqual((await describeLogGroups(w.ctx, { logGroupNamePrefix: '/ecs' })).logGroups.map((g) => g.logGroupName), ['/ecs/web']);
    assert.deepEqual((await describeLogGroups(w.ctx, { logGroupNamePattern: 'OTH' })).logGroups.map((g) => g.logGroupName), ['/other']);
    const first = await describeLogGroups(w.ctx, { limit: 1 });
    assert.ok(first.nextToken);
    assert.deepEqual((await describeLogGroups(w.ctx, { limit: 1, nextToken: first.nextToken })).logGroups.map((g) => g.logGroupName), ['/other']);

    await w.put('b', ['early'], w.now() - 3 * 86_400_000);
    await w.put('a', ['late']);
    const byTime = await describeLogStreams(w.ctx, { logGroupName: '/ecs/web', orderBy: 'LastEventTime', descending: true });
    assert.deepEqual(byTime.logStreams.map((s) => s.logStreamName), ['a', 'b']);
    assert.equal(byTime.logStreams[0]!.lastEventTimestamp, w.now());
    await assert.rejects(describeLogStreams(w.ctx, { logGroupName: '/ecs/web', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' }), code('InvalidParameterException'));

    const arn = (await describeLogGroups(w.ctx, { logGroupNamePrefix: '/ecs' })).logGroups[0]!.arn;
    await tagResource(w.ctx, { resourceArn: arn.replace(/:\*$/, ''), tags: { env: 'test' } });
    await untagResource(w.ctx, { resourceArn: arn, tagKeys: ['team'] });
    assert.deepEqual(listTagsForResource(w.ctx, { resourceArn: arn }).tags, { env: 'test' });
    assert.deepEqual(listTagsLogGroup(w.ctx, { logGroupName: '/ecs/web' }).tags, { env: 'test' });

    await assert.rejects(putRetentionPolicy(w.ctx, { logGroupName: '/ecs/web', retentionInDays: 2 }), code('InvalidParameterException'));
    await putRetentionPolicy(w.ctx, { logGroupName: '/ecs/web', retentionInDays: 1 });
    await enforceRetention(w.ctx);
    assert.deepEqual((await filterLogEvents(w.ctx, { logGroupName: '/ecs/web' })).events.map((e) => e.message), ['late']);
    assert.equal((await describeLogGroups(w.ctx, { logGroupNamePrefix: '/ecs' })).logGroups[0]!.retentionInDays, 1);

    await deleteLogGroup(w.ctx, { logGroupName: '/ecs/web' });
    assert.deepEqual(await w.ctx.logEvents!.groups(), []);
    await assert.rejects(getLogEvents(w.ctx, { logGroupName: '/ecs/web', logStreamName: 'a' }), code('ResourceNotFoundException'));
  });
});
