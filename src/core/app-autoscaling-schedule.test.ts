import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwsError } from './errors.js';
import { nextRun, parseSchedule, wallClockToUtc } from './app-autoscaling-schedule.js';

const ms = (iso: string) => Date.parse(iso);

test('at() in UTC and in a time zone, once', () => {
  const at = parseSchedule('at(2026-12-05T18:30:00)');
  assert.equal(nextRun(at, 'Etc/UTC', ms('2026-12-05T18:00:00Z'), { anchor: 0 }), ms('2026-12-05T18:30:00Z'));
  assert.equal(nextRun(at, 'Etc/UTC', ms('2026-12-05T18:30:00Z'), { anchor: 0 }), undefined);
  assert.equal(nextRun(at, 'America/New_York', ms('2026-12-05T00:00:00Z'), { anchor: 0 }), ms('2026-12-05T23:30:00Z'));
  assert.equal(wallClockToUtc('2026-07-01T12:00:00', 'Europe/Paris'), ms('2026-07-01T10:00:00Z'));
});

test('rate() counts from its anchor and stops at EndTime', () => {
  const rate = parseSchedule('rate(5 minutes)');
  const anchor = ms('2026-12-05T18:00:00Z');
  assert.equal(nextRun(rate, 'Etc/UTC', anchor, { anchor }), ms('2026-12-05T18:05:00Z'));
  assert.equal(nextRun(rate, 'Etc/UTC', ms('2026-12-05T18:07:00Z'), { anchor }), ms('2026-12-05T18:10:00Z'));
  assert.equal(nextRun(rate, 'Etc/UTC', ms('2026-12-05T18:07:00Z'), { anchor, end: ms('2026-12-05T18:09:00Z') }), undefined);
  assert.equal(parseSchedule('rate(1 hour)').kind, 'rate');
  assert.throws(() => parseSchedule('rate(1 hours)'), AwsError);
  assert.throws(() => parseSchedule('rate(0 minutes)'), AwsError);
});

test('cron() with AWS days of week, `?`, years and time zones', () => {
  // Mondays 09:30 in New York: 2026-12-07 is a Monday, 14:30 UTC in winter.
  const monday = parseSchedule('cron(30 9 ? * 2 *)', 'America/New_York');
  assert.equal(nextRun(monday, 'America/New_York', ms('2026-12-05T00:00:00Z'), { anchor: 0 }), ms('2026-12-07T14:30:00Z'));
  const daily = parseSchedule('cron(0 18 * * ? *)');
  assert.equal(nextRun(daily, 'Etc/UTC', ms('2026-12-05T18:00:00Z'), { anchor: 0 }), ms('2026-12-06T18:00:00Z'));
  const later = parseSchedule('cron(0 0 1 1 ? 2028)');
  assert.equal(nextRun(later, 'Etc/UTC', ms('2026-12-05T00:00:00Z'), { anchor: 0 }), ms('2028-01-01T00:00:00Z'));
  const past = parseSchedule('cron(0 0 1 1 ? 2020)');
  assert.equal(nextRun(past, 'Etc/UTC', ms('2026-12-05T00:00:00Z'), { anchor: 0 }), undefined);
  const start = ms('2027-03-01T00:00:00Z');
  assert.equal(nextRun(daily, 'Etc/UTC', ms('2026-12-05T00:00:00Z'), { anchor: 0, start }), ms('2027-03-01T18:00:00Z'));
});

test('malformed schedules and zones are ValidationException', () => {
  for (const bad of ['cron(61 * * * ? *)', 'cron(0 18 * * 2 *)', 'cron(* *)', 'at(2026-13-45T00:00:00)', 'every 5 minutes', 'rate(5 weeks)']) {
    assert.throws(() => parseSchedule(bad), (err: AwsError) => err.code === 'ValidationException', bad);
  }
  assert.throws(() => parseSchedule('rate(5 minutes)', 'Mars/Olympus'), (err: AwsError) => err.code === 'ValidationException');
});
