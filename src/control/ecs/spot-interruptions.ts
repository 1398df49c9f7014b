// FARGATE_SPOT interruptions, as ECS makes them: a spot task is told to stop with stop code SpotInterruption
// (its ECS Task State Change event is the two-minute warning; the agent sends SIGTERM, then SIGKILL after the
// container's stop timeout) and its service, if any, replaces it by its capacity provider strategy. AWS
// interrupts when it wants the capacity back; here at a configured rate per hour, or when an operator asks
// (`wharf spot-interrupt`).
import { lastSegment } from '../../core/arn.js';
import type { TaskRecord } from '../../core/ecs.js';
import { requestStop } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';
import { randomFrom } from './run-task.js';

export const SPOT_INTERRUPTION = { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' } as const;

/** Spot tasks that can still be interrupted: on FARGATE_SPOT and not yet told to stop. */
export const interruptible = (t: TaskRecord) => t.capacityProviderName === 'FARGATE_SPOT' && t.desiredStatus !== 'STOPPED';

/** Interrupts the spot tasks `choose` picks among the interruptible ones; answers their ARNs. */
export async function interruptSpotTasks(ctx: ControlContext, choose: (candidates: TaskRecord[]) => TaskRecord[]): Promise<string[]> {
  const interrupted = await ctx.state.mutate((tx) => {
    const now = ctx.clock.now();
    return choose([...ctx.state.all('task')].filter(interruptible)).flatMap((task) => {
      const current = tx.get('task', task.taskArn);
      if (!current || !interruptible(current)) return [];
      tx.put('task', task.taskArn, requestStop(current, SPOT_INTERRUPTION, now));
      return [task.taskArn];
    });
  });
  if (interrupted.length) ctx.log.info('spot tasks interrupted', { taskArns: interrupted });
  return interrupted;
}

/** Which spot tasks to interrupt: these tasks (ARNs or ids), or `count` of a cluster's (all when no count). */
export interface SpotSelection {
  cluster?: string;
  tasks?: string[];
  count?: number;
}

/** The tasks a selection picks among the interruptible ones. */
export function selectSpotTasks(selection: SpotSelection): (candidates: TaskRecord[]) => TaskRecord[] {
  return (candidates) => {
    const named = new Set(selection.tasks ?? []);
    const chosen = candidates.filter(
      (t) =>
        (named.size === 0 || named.has(t.taskArn) || named.has(lastSegment(t.taskArn))) &&
        (selection.cluster === undefined || t.clusterArn === selection.cluster || lastSegment(t.clusterArn) === selection.cluster),
    );
    return selection.count === undefined ? chosen : chosen.slice(0, selection.count);
  };
}

/** Each minute, each RUNNING spot task is interrupted with probability `perHour` / 60. */
export function runSpotInterruptions(ctx: ControlContext, signal: AbortSignal, perHour: number): Promise<void> {
  const random = randomFrom(ctx.ids);
  return every(ctx, 'spot-interruptions', 60_000, signal, () =>
    interruptSpotTasks(ctx, (candidates) => candidates.filter((t) => t.lastStatus === 'RUNNING' && random() < perHour / 60)),
  );
}
