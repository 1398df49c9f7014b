// When EventBridge Scheduler's schedules fire: at() and cron() read in the schedule's time zone, rate()
// from StartDate or creation, the EndDate bound, flexible windows, and the expressions Scheduler refuses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSchedule, contextInput, drawFromId, flexibleDelayMs, nextFiring, scheduleFirings, type ScheduleRecord } from './scheduler.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const schedule = (over: Partial<ScheduleRecord>) => ({ ScheduleExpression: 'rate(1 hour)', CreationDate: new Date('2026-03-01T10:17:00Z'), ...over });
const target = { Arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', RoleArn: 'arn:aws:iam::123456789012:role/run', EcsParameters: { TaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/batch:1' } };

describe('scheduler firings', () => {
  test('at() is a wall-clock time in the time zone, fired once', () => {
    const at = scheduleFirings('at(2026-07-01T09:30:00)', 'Europe/Paris');
    assert.equal(iso(at(t('2026-06-30T00:00:00Z'), 0)), '2026-07-01T07:30:00.000Z');
    assert.equal(at(t('2026-07-01T07:30:00Z'), 0), undefined);
    assert.equal(iso(scheduleFirings('at(2026-07-01T09:30:00)')(0, 0)), '2026-07-01T09:30:00.000Z');
  });

  test('cron() in a time zone follows its daylight saving changes', () => {
    const cron = scheduleFirings('cron(0 8 ? * MON-FRI *)', 'America/New_York');
    // Friday 6 March 2026 (EST, UTC-5), then Monday 9 March (EDT since the 8th, UTC-4).
    assert.equal(iso(cron(t('2026-03-06T00:00:00Z'), 0)), '2026-03-06T13:00:00.000Z');
    assert.equal(iso(cron(t('2026-03-06T13:00:00Z'), 0)), '2026-03-09T12:00:00.000Z');
  });

  test('cron() keeps the AWS dialect (L, W, #, years) in a time zone', () => {
    // The last weekday of May 2026 in Tokyo is Friday the 29th; 01:00 there is 16:00 UTC the day before.
    assert.equal(iso(scheduleFirings('cron(0 1 LW * ? *)', 'Asia/Tokyo')(t('2026-05-01T00:00:00Z'), 0)), '2026-05-28T16:00:00.000Z');
    // The second Tuesday (3#2) of April 2026 is the 14th.
    assert.equal(iso(scheduleFirings('cron(30 6 ? * 3#2 2026)', 'UTC')(t('2026-04-01T00:00:00Z'), 0)), '2026-04-14T06:30:00.000Z');
  });

  test('rate() counts from StartDate, else from creation, and stops at EndDate', () => {
    assert.equal(iso(nextFiring(schedule({}), t('2026-03-01T10:17:00Z'))), '2026-03-01T11:17:00.000Z');
    const started = schedule({ StartDate: new Date('2026-03-02T00:00:00Z') });
    assert.equal(iso(nextFiring(started, t('2026-03-01T10:17:00Z'))), '2026-03-02T00:00:00.000Z');
    assert.equal(iso(nextFiring(started, t('2026-03-02T00:00:00Z'))), '2026-03-02T01:00:00.000Z');
    const ending = schedule({ EndDate: new Date('2026-03-01T12:30:00Z') });
    assert.equal(iso(nextFiring(ending, t('2026-03-01T11:17:00Z'))), '2026-03-01T12:17:00.000Z');
    assert.equal(nextFiring(ending, t('2026-03-01T12:17:00Z')), undefined);
  });

  test('a FLEXIBLE window moves the firing by a drawn share of its minutes', () => {
    assert.equal(flexibleDelayMs({ Mode: 'OFF' }, 0.9), 0);
    assert.equal(flexibleDelayMs({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 }, drawFromId('80000000' + '0'.repeat(24))), 300_000);
    assert.equal(flexibleDelayMs({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 }, drawFromId('ffffffff')) < 600_000, true);
  });

  test("context attributes are replaced in the target's input", () => {
    const input = contextInput('{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","try":<aws.scheduler.attempt-number>,"id":"<aws.scheduler.execution-id>"}', {
      scheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/s',
      scheduledTime: new Date('2026-01-01T00:00:00.000Z'),
      executionId: 'e-1',
      attemptNumber: 2,
    });
    assert.deepEqual(JSON.parse(input), { arn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/s', at: '2026-01-01T00:00:00Z', try: 2, id: 'e-1' });
  });

  test('what Scheduler refuses', () => {
    const ok = { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: target };
    checkSchedule(ok);
    for (const [over, message] of [
      [{ ScheduleExpression: 'rate(1 minutes)' }, /Invalid Schedule Expression rate\(1 minutes\)/],
      [{ ScheduleExpression: 'cron(0 8 * * * *)' }, /Invalid Schedule Expression/],
      [{ ScheduleExpression: 'at(2026-13-01T00:00:00)' }, /Invalid Schedule Expression/],
      [{ ScheduleExpressionTimezone: 'Mars/Olympus' }, /Invalid ScheduleExpressionTimezone/],
      [{ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }, /MaximumWindowInMinutes is required/],
      [{ FlexibleTimeWindow: { Mode: 'OFF', MaximumWindowInMinutes: 5 } }, /must not be specified/],
      [{ StartDate: new Date('2026-02-01T00:00:00Z'), EndDate: new Date('2026-01-01T00:00:00Z') }, /StartDate must be before the EndDate/],
      [{ Target: { ...target, EcsParameters: undefined } }, /EcsParameters are required/],
      [{ Target: { ...target, RoleArn: 'run' } }, /Invalid RoleArn/],
    ] as const) {
      assert.throws(() => checkSchedule({ ...ok, ...over } as Parameters<typeof checkSchedule>[0]), (error: Error & { code?: string }) => error.code === 'ValidationException' && message.test(error.message));
    }
  });
});
