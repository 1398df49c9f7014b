import type { UpdateTaskProtectionRequest, UpdateTaskProtectionResponse } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { protectableTasks, protectionOf } from './task-protection.js';

/** "A list of up to 10 task IDs or full ARN entries." */
const MAX_TASKS = 10;
/** Protection lasts 2 hours unless told otherwise, at most 48. */
const DEFAULT_EXPIRES_IN_MINUTES = 120;
const MAX_EXPIRES_IN_MINUTES = 2880;

export async function updateTaskProtection(ctx: ControlContext, input: UpdateTaskProtectionRequest): Promise<UpdateTaskProtectionResponse> {
  const minutes = input.expiresInMinutes ?? DEFAULT_EXPIRES_IN_MINUTES;
  if (input.protectionEnabled && (minutes < 1 || minutes > MAX_EXPIRES_IN_MINUTES)) {
    throw new InvalidParameterException(`expiresInMinutes must be between 1 and ${MAX_EXPIRES_IN_MINUTES}.`);
  }
  return ctx.state.mutate((tx) => {
    const { tasks, failures } = protectableTasks(ctx, resolveCluster(ctx, input.cluster, tx), input.tasks, MAX_TASKS, tx);
    const now = ctx.clock.now();
    // Each call sets the expiry anew, so protection is extended by calling again. The version stays: it
    // counts task state changes (each one an ECS Task State Change event), which this is not.
    const updated = tasks.map((task) => {
      const next = { ...task };
      if (input.protectionEnabled) next.protectedUntil = new Date(now.getTime() + minutes * 60_000);
      else delete next.protectedUntil;
      tx.put('task', task.taskArn, next);
      return protectionOf(next, now);
    });
    ctx.log.info('task protection updated', { tasks: updated.length, protectionEnabled: input.protectionEnabled });
    return { protectedTasks: updated, failures };
  });
}
