// A region's EventBridge at work: events taken from the region's bus queue (PutEvents, publishEvents, ECS's
// own events) are matched against the enabled rules of their bus, through an index of compiled patterns
// rebuilt when rules change; schedules fire on ctx.clock; each matched target is invoked with its input.
// A failed invocation is retried as EventBridge retries (exponential backoff with jitter, within the
// target's RetryPolicy: 185 attempts and 24 hours unless it says less), then sent to the target's
// dead-letter queue when it has one (kept as an `eventDeadLetter` record: Wharf has no SQS yet), else dropped.
// Retries and schedules live in memory: after a restart schedules resume from the next firing and
// retries under way are lost, as events in flight are on AWS when delivery gives up.
import { EventPatternIndex, type EventPattern } from '../../core/event-pattern.js';
import { DEFAULT_EVENT_BUS, eventId, eventTime, type BusEvent, type EventBridgeEvent, type EventDeadLetterRecord, type EventRuleRecord, type EventTarget, type RuleInvocations } from '../../core/events.js';
import { targetInput } from '../../core/events-input.js';
import { parseSchedule, type Schedule } from '../../core/events-schedule.js';
import type { ControlContext } from '../context.js';
import { busQueue } from './bus-queue.js';
import { EcsTargets, InvocationError, ruleInvoker } from './ecs-target.js';
import { checkPattern } from './rules.js';
import { isEcsTarget } from './targets.js';

/** How often schedules and retries are looked at. */
export const TICK_MS = 1_000;
const DEFAULT_RETRY_ATTEMPTS = 185;
const DEFAULT_EVENT_AGE_S = 86_400;
/** EventBridge's backoff starts around a second and is capped (its documentation: retries over 24 hours). */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;
export const DEAD_LETTERS_PER_QUEUE = 1_000;

interface Retry {
  ruleArn: string;
  targetId: string;
  event: EventBridgeEvent;
  /** Retries made so far. */
  attempts: number;
  firstAt: number;
  dueAt: number;
}

interface Scheduled {
  expression: string;
  from: number;
  schedule: Schedule;
  next: number | undefined;
}

const enabled = (rule: EventRuleRecord) => rule.State !== 'DISABLED';

export class EventDelivery {
  private readonly queue;
  private readonly ecs: EcsTargets;
  /** Per bus, the enabled rules with a pattern; undefined when rules changed since it was built. */
  private indexes: Map<string, EventPatternIndex<string>> | undefined;
  private readonly compiled = new Map<string, EventPattern>();
  private retries: Retry[] = [];
  private readonly schedules = new Map<string, Scheduled>();
  private readonly inFlight = new Set<Promise<void>>();
  /** AWS/Events' per-rule metrics, and each target's last failure, as counted since start. */
  readonly metrics = new Map<string, RuleInvocations & { lastFailure?: { targetId: string; code: string; message: string; at: Date } }>();
  private lastTick: number;

  constructor(private readonly ctx: ControlContext) {
    this.queue = busQueue(ctx);
    this.ecs = new EcsTargets(ctx);
    this.lastTick = ctx.clock.now().getTime();
  }

  /** Delivers and ticks until `signal` aborts; resolves once invocations under way have ended. */
  run(signal: AbortSignal): Promise<void>[] {
    const unsubscribe = this.ctx.state.subscribe((changes) => {
      if (changes.some((c) => c.kind === 'eventRule')) this.indexes = undefined;
    });
    signal.addEventListener('abort', unsubscribe, { once: true });
    return [this.deliverLoop(signal), this.tickLoop(signal)];
  }

  private async deliverLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.queue.ready(signal);
      for (const item of this.queue.take()) this.deliver(item);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async tickLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.ctx.clock.sleep(TICK_MS, signal);
      if (signal.aborted) break;
      try {
        this.tick();
      } catch (error) {
        this.ctx.log.error('event schedule tick failed', { error: (error as Error).message });
      }
    }
  }

  /** Whether an enabled rule on the bus could match an event from `source`: events nobody can match need not be made. */
  wants(eventBusName: string, source: string): boolean {
    return this.index().get(eventBusName)?.mayMatch(source) ?? false;
  }

  /** Matches one event against its bus's rules and invokes their targets. */
  deliver({ eventBusName, event }: BusEvent): void {
    const index = this.index().get(eventBusName);
    if (!index) return;
    for (const ruleArn of index.match(event)) {
      const rule = this.ctx.state.get('eventRule', ruleArn);
      if (rule) for (const target of rule.targets) this.invoke(rule, target, event, 0, this.ctx.clock.now().getTime());
    }
  }

  private index(): Map<string, EventPatternIndex<string>> {
    if (this.indexes) return this.indexes;
    const indexes = new Map<string, EventPatternIndex<string>>();
    const used = new Set<string>();
    for (const rule of this.ctx.state.all('eventRule')) {
      if (!enabled(rule) || rule.EventPattern === undefined) continue;
      let pattern = this.compiled.get(rule.EventPattern);
      if (!pattern) this.compiled.set(rule.EventPattern, (pattern = checkPattern(rule.EventPattern)));
      used.add(rule.EventPattern);
      let index = indexes.get(rule.EventBusName);
      if (!index) indexes.set(rule.EventBusName, (index = new EventPatternIndex()));
      index.add(rule.Arn, pattern);
    }
    for (const text of this.compiled.keys()) if (!used.has(text)) this.compiled.delete(text);
    return (this.indexes = indexes);
  }

  /** Fires the schedules that are due and makes the retries that are due. */
  tick(): void {
    const now = this.ctx.clock.now().getTime();
    const since = this.lastTick;
    this.lastTick = now;
    const seen = new Set<string>();
    for (const rule of this.ctx.state.all('eventRule')) {
      if (!enabled(rule) || rule.ScheduleExpression === undefined || rule.EventBusName !== DEFAULT_EVENT_BUS) continue;
      seen.add(rule.Arn);
      const from = new Date(rule.scheduledFrom).getTime();
      let scheduled = this.schedules.get(rule.Arn);
      if (!scheduled || scheduled.expression !== rule.ScheduleExpression || scheduled.from !== from) {
        const schedule = parseSchedule(rule.ScheduleExpression);
        if (!schedule) continue;
        // The first firing after the rule was made, or after the last look (nothing missed while down is made up).
        scheduled = { expression: rule.ScheduleExpression, from, schedule, next: schedule.next(new Date(Math.max(from, since)), new Date(from))?.getTime() };
        this.schedules.set(rule.Arn, scheduled);
      }
      if (scheduled.next === undefined || scheduled.next > now) continue;
      const firedAt = scheduled.next;
      scheduled.next = scheduled.schedule.next(new Date(Math.max(now, firedAt)), new Date(from))?.getTime();
      this.fire(rule, new Date(firedAt));
    }
    for (const arn of this.schedules.keys()) if (!seen.has(arn)) this.schedules.delete(arn);

    const due = this.retries.filter((r) => r.dueAt <= now);
    if (due.length === 0) return;
    this.retries = this.retries.filter((r) => r.dueAt > now);
    for (const retry of due) {
      const rule = this.ctx.state.get('eventRule', retry.ruleArn);
      const target = rule?.targets.find((t) => t.Id === retry.targetId);
      // A rule or target removed meanwhile takes its retries with it.
      if (rule && target) this.invoke(rule, target, retry.event, retry.attempts, retry.firstAt);
    }
  }

  /** A schedule's `Scheduled Event`, straight to the rule's targets. */
  private fire(rule: EventRuleRecord, at: Date): void {
    const event: EventBridgeEvent = {
      version: '0',
      id: eventId(this.ctx.ids.id()),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.ctx.partition.accountId,
      time: eventTime(at),
      region: this.ctx.partition.region,
      resources: [rule.Arn],
      detail: {},
    };
    this.ctx.log.info('event rule schedule fired', { ruleArn: rule.Arn, eventId: event.id });
    for (const target of rule.targets) this.invoke(rule, target, event, 0, this.ctx.clock.now().getTime());
  }

  private invoke(rule: EventRuleRecord, target: EventTarget, event: EventBridgeEvent, attempts: number, firstAt: number): void {
    const done = this.attempt(rule, target, event, attempts, firstAt).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async attempt(rule: EventRuleRecord, target: EventTarget, event: EventBridgeEvent, attempts: number, firstAt: number): Promise<void> {
    const metrics = this.metricsOf(rule.Arn);
    metrics.Invocations++;
    try {
      const input = targetInput(target, event, { ruleArn: rule.Arn, ruleName: rule.Name, ingestionTime: eventTime(new Date(firstAt)) });
      if (!isEcsTarget(target)) throw new InvocationError('UNSUPPORTED_TARGET', `Wharf cannot deliver to ${target.Arn}: only ECS clusters are targets.`);
      const tasks = await this.ecs.invoke(ruleInvoker(rule), target, input);
      this.ctx.log.info('event target invoked', { ruleArn: rule.Arn, targetId: target.Id, eventId: event.id, tasks });
    } catch (error) {
      const failure = error instanceof InvocationError ? error : new InvocationError('INTERNAL_ERROR', (error as Error).message);
      metrics.FailedInvocations++;
      const now = this.ctx.clock.now().getTime();
      metrics.lastFailure = { targetId: target.Id, code: failure.code, message: failure.message, at: new Date(now) };
      this.ctx.log.warn('event target invocation failed', { ruleArn: rule.Arn, targetId: target.Id, eventId: event.id, attempts, code: failure.code, message: failure.message });
      const next = nextAttempt(this.ctx, target.RetryPolicy, attempts, firstAt, now);
      if ('dueAt' in next) {
        this.retries.push({ ruleArn: rule.Arn, targetId: target.Id, event, attempts: attempts + 1, firstAt, dueAt: next.dueAt });
        return;
      }
      await this.deadLetter(rule, target, event, failure, next.exhausted, attempts);
    }
  }

  private async deadLetter(rule: EventRuleRecord, target: EventTarget, event: EventBridgeEvent, failure: InvocationError, exhausted: ExhaustedRetryCondition, attempts: number): Promise<void> {
    const queueArn = target.DeadLetterConfig?.Arn;
    if (!queueArn) {
      this.ctx.log.warn('event dropped after retries', { ruleArn: rule.Arn, targetId: target.Id, eventId: event.id, exhausted });
      return;
    }
    await sendToDeadLetterQueue(this.ctx, `${queueArn} ${event.id} ${target.Id}`, {
      queueArn,
      body: JSON.stringify(event),
      sentAt: this.ctx.clock.now(),
      attributes: { RULE_ARN: rule.Arn, TARGET_ARN: target.Arn, ERROR_CODE: failure.code, ERROR_MESSAGE: failure.message, EXHAUSTED_RETRY_CONDITION: exhausted, RETRY_ATTEMPTS: attempts },
    });
    this.metricsOf(rule.Arn).DeadLetterInvocations++;
    this.ctx.log.warn('event dead-lettered', { ruleArn: rule.Arn, targetId: target.Id, eventId: event.id, queueArn, exhausted });
  }

  private metricsOf(ruleArn: string) {
    let metrics = this.metrics.get(ruleArn);
    if (!metrics) this.metrics.set(ruleArn, (metrics = { Invocations: 0, FailedInvocations: 0, DeadLetterInvocations: 0 }));
    return metrics;
  }
}

export type ExhaustedRetryCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/**
 * What follows a failed attempt (`attempts` retries made so far, the first at `firstAt`) under a target's
 * RetryPolicy, as EventBridge and EventBridge Scheduler retry: the time of the next try, exponential from a
 * second and capped at five minutes with up to 20% jitter, or the limit that ends the retries.
 */
export function nextAttempt(
  ctx: Pick<ControlContext, 'ids'>,
  policy: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } | undefined,
  attempts: number,
  firstAt: number,
  now: number,
): { dueAt: number } | { exhausted: ExhaustedRetryCondition } {
  const maxAttempts = policy?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
  const maxAgeMs = (policy?.MaximumEventAgeInSeconds ?? DEFAULT_EVENT_AGE_S) * 1000;
  const base = Math.min(FIRST_RETRY_MS * 2 ** attempts, MAX_RETRY_MS);
  const delay = Math.round(base * (1 + 0.2 * (parseInt(ctx.ids.id().slice(0, 8), 16) / 2 ** 32)));
  if (attempts >= maxAttempts) return { exhausted: 'MaximumRetryAttempts' };
  if (now + delay - firstAt > maxAgeMs) return { exhausted: 'MaximumEventAgeInSeconds' };
  return { dueAt: now + delay };
}

/** Puts a message on a dead-letter queue (kept as a record until Wharf has SQS); a queue keeps its newest DEAD_LETTERS_PER_QUEUE. */
export async function sendToDeadLetterQueue(ctx: Pick<ControlContext, 'state'>, id: string, letter: EventDeadLetterRecord): Promise<void> {
  await ctx.state.mutate((tx) => {
    // SQS would age old messages out after its retention period.
    const held = [...ctx.state.entries('eventDeadLetter')].filter(([, held]) => held.queueArn === letter.queueArn);
    held.sort(([, a], [, b]) => new Date(a.sentAt).getTime() - new Date(b.sentAt).getTime());
    for (const [old] of held.slice(0, Math.max(0, held.length - DEAD_LETTERS_PER_QUEUE + 1))) tx.delete('eventDeadLetter', old);
    tx.put('eventDeadLetter', id, letter);
  });
}

/** The region's delivery, started once per region by the events module's controllers. */
export function runEventDelivery(ctx: ControlContext, signal: AbortSignal): { delivery: EventDelivery; loops: Promise<void>[] } {
  const delivery = new EventDelivery(ctx);
  return { delivery, loops: delivery.run(signal) };
}
