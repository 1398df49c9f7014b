import type { GetTaskProtectionRequest, GetTaskProtectionResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { protectableTasks, protectionOf } from './task-protection.js';

/** "A list of up to 100 task IDs or full ARN entries." */
const MAX_TASKS = 100;

export async function getTaskProtection(ctx: ControlContext, input: GetTaskProtectionRequest): Promise<GetTaskProtectionResponse> {
  const { tasks, failures } = protectableTasks(ctx, resolveCluster(ctx, input.cluster), input.tasks, MAX_TASKS);
  const now = ctx.clock.now();
  return { protectedTasks: tasks.map((t) => protectionOf(t, now)), failures };
}
