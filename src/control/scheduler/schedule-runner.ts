// A region's EventBridge Scheduler at work: every second (on ctx.clock) each enabled schedule whose time has
// come invokes its target, at its nominal time or, with a FLEXIBLE window, at a point drawn within the window
// after it (through ctx.ids, so tests replay). An ECS target runs RunTask as the target's role, which must
// trust scheduler.amazonaws.com (control/events/ecs-target.ts); a failed invocation is retried and then
// dead-lettered as EventBridge does (control/events/delivery.ts). A schedule with no firing left is
// deleted when its ActionAfterCompletion is DELETE. Next firings and retries live in memory: after a restart
// schedules resume from their next firing, as EventBridge's rules do.
import { AwsError } from '../../core/errors.js';
import type { EventTarget } from '../../core/events.js';
import { contextInput, drawFromId, flexibleDelayMs, nextFiring, type ScheduleRecord } from '../../core/scheduler.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';
import { nextAttempt, sendToDeadLetterQueue, TICK_MS } from '../events/delivery.js';
import { EcsTargets, InvocationError, type EcsInvoker } from '../events/ecs-target.js';
import { isEcsTarget } from '../events/targets.js';

interface Upcoming {
  /** The schedule's LastModificationDate when this was worked out: an update starts it anew. */
  modified: number;
  /** The next nominal firing (undefined: none left), and when it is made (later within a flexible window). */
  nominal: number | undefined;
  fireAt: number;
  completed?: boolean;
}

interface Retry {
  schedule: ScheduleRecord;
  scheduledTime: number;
  executionId: string;
  /** Retries made so far. */
  attempts: number;
  firstAt: number;
  dueAt: number;
}

export class ScheduleRunner {
  private readonly ecs: EcsTargets;
  private readonly upcoming = new Map<string, Upcoming>();
  private retries: Retry[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private lastTick: number;

  constructor(private readonly ctx: ControlContext) {
    this.ecs = new EcsTargets(ctx);
    this.lastTick = ctx.clock.now().getTime();
  }

  /** Ticks until `signal` aborts; resolves once invocations under way have ended. */
  async run(signal: AbortSignal): Promise<void> {
    await every(this.ctx, 'scheduler', TICK_MS, signal, () => this.tick());
    await Promise.allSettled([...this.inFlight]);
  }

  /** Makes the firings and retries that are due. */
  tick(): void {
    const now = this.ctx.clock.now().getTime();
    const since = this.lastTick;
    this.lastTick = now;
    const seen = new Set<string>();
    for (const schedule of this.ctx.state.all('schedule')) {
      if (schedule.State !== 'ENABLED') continue;
      seen.add(schedule.Arn);
      const modified = new Date(schedule.LastModificationDate).getTime();
      let upcoming = this.upcoming.get(schedule.Arn);
      if (!upcoming || upcoming.modified !== modified) {
        // The first firing after the schedule was made or changed, or after the last look (nothing missed while down is made up).
        upcoming = { modified, ...this.plan(schedule, Math.max(since, modified)) };
        this.upcoming.set(schedule.Arn, upcoming);
      }
      if (upcoming.nominal !== undefined && upcoming.fireAt <= now) {
        this.fire(schedule, upcoming.nominal);
        Object.assign(upcoming, this.plan(schedule, Math.max(now, upcoming.nominal)));
      }
      if (upcoming.nominal === undefined && schedule.ActionAfterCompletion === 'DELETE' && !upcoming.completed) {
        upcoming.completed = true;
        this.track(this.complete(schedule));
      }
    }
    for (const arn of this.upcoming.keys()) if (!seen.has(arn)) this.upcoming.delete(arn);

    const due = this.retries.filter((r) => r.dueAt <= now);
    if (due.length === 0) return;
    this.retries = this.retries.filter((r) => r.dueAt > now);
    for (const retry of due) this.track(this.attempt(retry.schedule, retry.scheduledTime, retry.executionId, retry.attempts, retry.firstAt));
  }

  private plan(schedule: ScheduleRecord, after: number): Pick<Upcoming, 'nominal' | 'fireAt'> {
    const nominal = nextFiring(schedule, after);
    if (nominal === undefined) return { nominal, fireAt: Infinity };
    return { nominal, fireAt: nominal + flexibleDelayMs(schedule.FlexibleTimeWindow, drawFromId(this.ctx.ids.id())) };
  }

  private fire(schedule: ScheduleRecord, scheduledTime: number): void {
    const executionId = this.ctx.ids.id();
    this.ctx.log.info('schedule fired', { scheduleArn: schedule.Arn, executionId, scheduledTime: new Date(scheduledTime).toISOString() });
    this.track(this.attempt(schedule, scheduledTime, executionId, 0, this.ctx.clock.now().getTime()));
  }

  /** Deletes a schedule that has completed, unless it was changed meanwhile. */
  private async complete(schedule: ScheduleRecord): Promise<void> {
    await this.ctx.state.mutate((tx) => {
      const current = tx.get('schedule', schedule.Arn);
      if (current && new Date(current.LastModificationDate).getTime() === new Date(schedule.LastModificationDate).getTime()) tx.delete('schedule', schedule.Arn);
    });
    this.ctx.log.info('schedule deleted after completion', { scheduleArn: schedule.Arn });
  }

  private track(work: Promise<void>): void {
    const done = work
      .catch((error: Error) => this.ctx.log.error('schedule work failed', { error: error.message }))
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async attempt(schedule: ScheduleRecord, scheduledTime: number, executionId: string, attempts: number, firstAt: number): Promise<void> {
    const { Target } = schedule;
    const input = Target.Input === undefined ? undefined : contextInput(Target.Input, { scheduleArn: schedule.Arn, scheduledTime: new Date(scheduledTime), executionId, attemptNumber: attempts + 1 });
    try {
      const target = ecsTarget(schedule, input);
      if (!isEcsTarget(target)) throw new InvocationError('UNSUPPORTED_TARGET', `Wharf cannot deliver to ${Target.Arn}: only ECS clusters are targets.`);
      const invoker: EcsInvoker = { sessionName: executionId, startedBy: `scheduler/${schedule.GroupName}/${schedule.Name}`, servicePrincipal: 'scheduler.amazonaws.com' };
      const tasks = await this.ecs.invoke(invoker, target, input ?? '');
      this.ctx.log.info('schedule target invoked', { scheduleArn: schedule.Arn, executionId, tasks });
    } catch (error) {
      const failure = error instanceof InvocationError ? error : new InvocationError('INTERNAL_ERROR', error instanceof AwsError ? `${error.code}: ${error.message}` : (error as Error).message);
      const now = this.ctx.clock.now().getTime();
      this.ctx.log.warn('schedule target invocation failed', { scheduleArn: schedule.Arn, executionId, attempts, code: failure.code, message: failure.message });
      const next = nextAttempt(this.ctx, Target.RetryPolicy, attempts, firstAt, now);
      if ('dueAt' in next) {
        this.retries.push({ schedule, scheduledTime, executionId, attempts: attempts + 1, firstAt, dueAt: next.dueAt });
        return;
      }
      const queueArn = Target.DeadLetterConfig?.Arn;
      if (!queueArn) {
        this.ctx.log.warn('schedule invocation dropped after retries', { scheduleArn: schedule.Arn, executionId, exhausted: next.exhausted });
        return;
      }
      await sendToDeadLetterQueue(this.ctx, `${queueArn} ${executionId}`, {
        queueArn,
        body: input ?? '',
        sentAt: new Date(now),
        attributes: { SCHEDULE_ARN: schedule.Arn, TARGET_ARN: Target.Arn, ERROR_CODE: failure.code, ERROR_MESSAGE: failure.message, EXHAUSTED_RETRY_CONDITION: next.exhausted, RETRY_ATTEMPTS: attempts },
      });
      this.ctx.log.warn('schedule invocation dead-lettered', { scheduleArn: schedule.Arn, executionId, queueArn, exhausted: next.exhausted });
    }
  }
}

/** The schedule's target as an EventBridge ECS target (Scheduler's EcsParameters carry their tags as maps). */
function ecsTarget(schedule: ScheduleRecord, input: string | undefined): EventTarget {
  const { Arn, RoleArn, EcsParameters } = schedule.Target;
  const tags = EcsParameters?.Tags?.flatMap((map) => Object.entries(map).map(([Key, Value]) => ({ Key, Value })));
  return {
    Id: schedule.Name,
    Arn,
    RoleArn,
    ...(input !== undefined && { Input: input }),
    ...(EcsParameters && { EcsParameters: { ...EcsParameters, Tags: tags } }),
  };
}

/** The region's schedules, run by the scheduler module's controllers. */
export function runSchedules(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  return new ScheduleRunner(ctx).run(signal);
}
