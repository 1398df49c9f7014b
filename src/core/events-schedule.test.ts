import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from './events-schedule.js';

const next = (expression: string, after: string, from = after) => parseSchedule(expression)!.next(new Date(after), new Date(from))?.toISOString();

test('rate() counts whole periods from the rule', () => {
  assert.equal(next('rate(1 minute)', '2026-01-01T00:00:00Z'), '2026-01-01T00:01:00.000Z');
  assert.equal(next('rate(1 minute)', '2026-01-01T00:01:00Z', '2026-01-01T00:00:00Z'), '2026-01-01T00:02:00.000Z');
  assert.equal(next('rate(5 minutes)', '2026-01-01T00:07:30Z', '2026-01-01T00:00:10Z'), '2026-01-01T00:10:10.000Z');
  assert.equal(next('rate(2 hours)', '2026-01-01T00:00:00Z'), '2026-01-01T02:00:00.000Z');
  assert.equal(next('rate(1 day)', '2026-01-01T00:00:00Z'), '2026-01-02T00:00:00.000Z');
});

test('rate() is refused as AWS refuses it', () => {
  for (const bad of ['rate(1 minutes)', 'rate(2 minute)', 'rate(0 minutes)', 'rate(1 second)', 'rate(-1 minutes)', 'rate(1minute)', 'rate()', 'every minute'])
    assert.equal(parseSchedule(bad), undefined, bad);
});

test('cron() in AWS dialect: UTC, 1-7 from Sunday, L, W, #, the year', () => {
  assert.equal(next('cron(0 10 * * ? *)', '2026-01-01T00:00:00Z'), '2026-01-01T10:00:00.000Z');
  assert.equal(next('cron(15 12 * * ? *)', '2026-01-01T12:15:00Z'), '2026-01-02T12:15:00.000Z');
  assert.equal(next('cron(0/15 * * * ? *)', '2026-01-01T00:07:00Z'), '2026-01-01T00:15:00.000Z');
  // 2026-01-01 is a Thursday: MON-FRI 18:00, then 2 (Monday) and names.
  assert.equal(next('cron(0 18 ? * MON-FRI *)', '2026-01-02T19:00:00Z'), '2026-01-05T18:00:00.000Z');
  assert.equal(next('cron(0 8 ? * 2 *)', '2026-01-01T00:00:00Z'), '2026-01-05T08:00:00.000Z');
  assert.equal(next('cron(0 8 ? * 1 *)', '2026-01-01T00:00:00Z'), '2026-01-04T08:00:00.000Z');
  assert.equal(next('cron(0 9 ? * 6#3 *)', '2026-01-01T00:00:00Z'), '2026-01-16T09:00:00.000Z');
  assert.equal(next('cron(0 9 ? * 6L *)', '2026-01-01T00:00:00Z'), '2026-01-30T09:00:00.000Z');
  assert.equal(next('cron(0 0 L * ? *)', '2026-02-01T00:00:00Z'), '2026-02-28T00:00:00.000Z');
  // The 3rd of January 2026 is a Saturday: 3W is Friday the 2nd; the 1st of February 2026 is a Sunday: 1W is Monday the 2nd.
  assert.equal(next('cron(0 0 3W * ? *)', '2026-01-01T00:00:00Z'), '2026-01-02T00:00:00.000Z');
  assert.equal(next('cron(0 0 1W * ? *)', '2026-01-05T00:00:00Z'), '2026-02-02T00:00:00.000Z');
  assert.equal(next('cron(0 0 LW * ? *)', '2026-01-01T00:00:00Z'), '2026-01-30T00:00:00.000Z');
  assert.equal(next('cron(0 0 1 1 ? 2028)', '2026-01-01T00:00:00Z'), '2028-01-01T00:00:00.000Z');
  assert.equal(next('cron(0 0 1 1 ? 2020-2025)', '2026-01-01T00:00:00Z'), undefined);
});

test('cron() is refused as AWS refuses it', () => {
  for (const bad of ['cron(0 10 * * *)', 'cron(0 10 * * * *)', 'cron(0 10 ? * ? *)', 'cron(0 10 * * MON *)', 'cron(61 10 * * ? *)', 'cron(0 25 * * ? *)', 'cron(0 10 * * ? 1969)', 'cron(0 10 * * ? * *)', 'cron(0 10 * * ? x)', 'cron(0 9 ? * 8 *)'])
    assert.equal(parseSchedule(bad), undefined, bad);
});
