// What follows from a task's status besides its containers, level-based: an awsvpc task's interface is
// ATTACHED once the task runs (set with the report that says so: withAttachmentsSettled), and once the task has STOPPED its interface is deleted (the attachment shows
// DELETED) and, for a Fargate task, the usage AWS would have billed is recorded. Driven by every commit
// that touches tasks, and by a periodic pass over all of them (which also settles what a restart missed).
import type { Attachment } from '@aws-sdk/client-ecs';
import { TASK_STATUS_ORDER, type TaskRecord } from '../../core/ecs.js';
import { fargateUsage } from '../../core/usage.js';
import type { ControlContext } from '../context.js';
import { deleteTaskInterfaces } from '../ec2/network-interfaces.js';
import { ControllerRunner } from '../runner.js';
import type { Change, Transaction } from '../state.js';
import { networkInterfacesByTask } from '../ec2/indexes.js';

const RUNNING = TASK_STATUS_ORDER.indexOf('RUNNING');

/** The status a task's interface attachment should show, given the task's. */
function attachmentStatus(task: TaskRecord, attachment: Attachment): string | undefined {
  if (task.lastStatus === 'STOPPED') return 'DELETED';
  return attachment.status === 'PRECREATED' && TASK_STATUS_ORDER.indexOf(task.lastStatus) >= RUNNING ? 'ATTACHED' : attachment.status;
}

/** Whether an interface attachment of the task shows another status than the task's implies. */
const attachmentsUnsettled = (task: TaskRecord) =>
  task.attachments?.some((a) => a.type === 'ElasticNetworkInterface' && attachmentStatus(task, a) !== a.status) ?? false;

/** Whether a task has anything left to settle. */
function unsettled(ctx: ControlContext, task: TaskRecord): boolean {
  if (attachmentsUnsettled(task)) return true;
  if (task.lastStatus !== 'STOPPED') return false;
  return ctx.state.where(networkInterfacesByTask, task.taskArn).length > 0 || (fargateUsage(task) !== undefined && !ctx.state.get('usage', task.taskArn));
}

/**
 * The task with its interface attachments' statuses as its status implies; the same record when they already
 * are. Agents' reports apply it in their own mutation, so a task is never seen RUNNING with its interface
 * still PRECREATED (on AWS the interface is attached before the task runs).
 */
export function withAttachmentsSettled(task: TaskRecord): TaskRecord {
  if (!attachmentsUnsettled(task)) return task;
  return { ...task, attachments: task.attachments!.map((a) => (a.type === 'ElasticNetworkInterface' ? { ...a, status: attachmentStatus(task, a) } : a)) };
}

function settle(ctx: ControlContext, tx: Transaction, task: TaskRecord): void {
  const settled = withAttachmentsSettled(task);
  if (settled !== task) tx.put('task', task.taskArn, { ...settled, version: task.version + 1 });
  if (task.lastStatus !== 'STOPPED') return;
  if (deleteTaskInterfaces(ctx.state, tx, task.taskArn) > 0) ctx.log.info('task network interface deleted', { taskArn: task.taskArn });
  const usage = fargateUsage(task);
  if (usage && !ctx.state.get('usage', task.taskArn)) {
    tx.put('usage', task.taskArn, usage);
    ctx.log.info('usage recorded', { taskArn: task.taskArn, billedSeconds: usage.billedSeconds, vcpu: usage.vcpu, memoryGB: usage.memoryGB });
  }
}

/** Settles the named tasks (every task when none are named) in one mutation; answers how many needed it. */
export async function settleTasks(ctx: ControlContext, taskArns?: Iterable<string>): Promise<number> {
  return ctx.state.mutate((tx) => {
    let count = 0;
    const tasks = taskArns ? [...taskArns].map((arn) => ctx.state.get('task', arn)) : [...ctx.state.all('task')];
    for (const task of tasks) {
      if (!task || !unsettled(ctx, task)) continue;
      settle(ctx, tx, task);
      count++;
    }
    return count;
  });
}

/** Settles tasks as their changes commit, and every unsettled one every `intervalMs`, until `signal` aborts. */
export function runTaskSettlement(ctx: ControlContext, signal: AbortSignal, intervalMs = 30_000): Promise<void> {
  const unsettledOf = (tasks: Iterable<TaskRecord>) => [...tasks].filter((task) => unsettled(ctx, task)).map((task) => task.taskArn);
  const runner = new ControllerRunner<string>(ctx, async (taskArn) => void (await settleTasks(ctx, [taskArn])), {
    name: 'task settlement',
    triggers: (changes: Change[]) => unsettledOf(changes.flatMap((c) => (c.kind === 'task' && c.after ? [c.after as TaskRecord] : []))),
    resync: { everyMs: intervalMs, keys: () => unsettledOf(ctx.state.all('task')) },
    retryMs: intervalMs,
  });
  return runner.run(signal);
}
