// Task state change events, in the shape ECS sends them to EventBridge (detail-type "ECS Task State
// Change"): one event per task version, so a consumer that tracks `detail.version` sees every change once
// and in order. Kept in a bounded ring in memory until EventBridge comes to deliver them. Records are
// immutable, so the ring holds each version as committed and shapes the event only when it is read: a
// thousand agents reporting cost a reference each, not an event each.
import type { Task } from '@aws-sdk/client-ecs';
import type { TaskRecord } from '../../core/ecs.js';
import type { ControlContext } from '../context.js';
import type { Change } from '../state.js';

export interface EcsEvent<Detail> {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.ecs';
  account: string;
  /** Seconds precision, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

/** The task as the event carries it: DescribeTasks' shape (no tags), timestamps as ISO strings, plus `updatedAt`. */
export type TaskStateChangeDetail = Record<string, unknown> & { taskArn: string; version: number; lastStatus: string; desiredStatus: string; updatedAt: string };

export const TASK_EVENTS_CAPACITY = 10_000;

interface Entry {
  task: TaskRecord;
  at: Date;
  event?: EcsEvent<TaskStateChangeDetail>;
}

export class TaskEventLog {
  private readonly ring: (Entry | undefined)[];
  private next = 0;
  private count = 0;

  constructor(
    private readonly ctx: ControlContext,
    readonly capacity = TASK_EVENTS_CAPACITY,
  ) {
    this.ring = new Array(capacity);
  }

  /** Records an event for every task change that makes a new version; returns the unsubscribe function. */
  listen(): () => void {
    return this.ctx.state.subscribe((changes) => this.record(changes));
  }

  /** The events held, oldest first (at most `capacity`: the oldest give way). */
  events(): EcsEvent<TaskStateChangeDetail>[] {
    const out: EcsEvent<TaskStateChangeDetail>[] = [];
    for (let k = this.count; k > 0; k--) {
      const entry = this.ring[(this.next - k + this.capacity) % this.capacity]!;
      out.push((entry.event ??= this.event(entry.task, entry.at)));
    }
    return out;
  }

  private record(changes: Change[]): void {
    for (const change of changes) if (isTaskStateChange(change)) this.push({ task: change.after!, at: this.ctx.clock.now() });
  }

  private push(entry: Entry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  private event(task: TaskRecord, now: Date): EcsEvent<TaskStateChangeDetail> {
    return taskStateChangeEvent(this.ctx, task, now);
  }
}

/** A change that makes a new task version (not the control plane's own bookkeeping): one event each. */
export function isTaskStateChange(change: Change): change is Change<'task'> {
  if (change.kind !== 'task' || !change.after) return false;
  const { before, after } = change as Change<'task'>;
  return !before || after!.version > before.version;
}

/** The `ECS Task State Change` event of a task version, as ECS sends it to EventBridge. */
export function taskStateChangeEvent(ctx: Pick<ControlContext, 'partition' | 'ids'>, task: TaskRecord, now: Date): EcsEvent<TaskStateChangeDetail> {
  const { partition } = ctx;
  return {
    version: '0',
    id: ctx.ids.id().replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: partition.accountId,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: partition.region,
    resources: [task.taskArn],
    detail: { ...(isoDates(taskDetail(task)) as Record<string, unknown>), updatedAt: now.toISOString() } as TaskStateChangeDetail,
  };
}

/** The ECS members of a task record: Wharf's own bookkeeping and the tags stay out of the event. */
function taskDetail(task: TaskRecord): Task {
  const { clientToken: _t, clientRequest: _r, serviceAccounted: _a, protectedUntil: _p, awsvpcConfiguration: _n, tags: _g, containers, ...rest } = task;
  return { ...rest, containers: containers.map(({ essential: _e, healthCheck: _h, ...c }) => c) };
}

/** Dates as the ISO strings events carry. */
export function isoDates(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(isoDates);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isoDates(v)]));
  return value;
}

/** Records task state change events until `signal` aborts. */
export function recordTaskEvents(ctx: ControlContext, signal: AbortSignal, capacity = TASK_EVENTS_CAPACITY): TaskEventLog {
  const log = new TaskEventLog(ctx, capacity);
  const unsubscribe = log.listen();
  signal.addEventListener('abort', unsubscribe, { once: true });
  return log;
}
