import type { DeregisterContainerInstanceRequest, DeregisterContainerInstanceResponse } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { applyTaskReport, requestStop, type StopCause } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { describeContainerInstance } from './container-instances.js';
import { findContainerInstance, resolveCluster } from './lookups.js';
import { tasksByContainerInstance } from './indexes.js';

/** ECS stops accounting for the tasks of an instance deregistered with `force`: they are orphaned. */
const ORPHANED: StopCause = { stopCode: 'UserInitiated', stoppedReason: 'Container instance deregistered with force' };

/**
 * The instance turns INACTIVE and takes no more tasks. With tasks still on it ECS refuses unless `force`
 * is set; then its tasks are orphaned: ECS marks them STOPPED and no longer tracks them (a service starts
 * replacements elsewhere). Deregistering an INACTIVE instance answers with it as is.
 */
export async function deregisterContainerInstance(
  ctx: ControlContext,
  input: DeregisterContainerInstanceRequest,
): Promise<DeregisterContainerInstanceResponse> {
  const { record, orphaned } = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const instance = findContainerInstance(ctx, cluster, input.containerInstance!, tx);
    if (!instance) throw new InvalidParameterException('Container instance not found.');
    if (instance.status === 'INACTIVE') return { record: instance, orphaned: [] };
    const tasks = ctx.state.where(tasksByContainerInstance, instance.containerInstanceArn).filter((t) => t.lastStatus !== 'STOPPED');
    if (tasks.length > 0 && !input.force) throw new InvalidParameterException('Found running tasks on the instance.');
    const now = ctx.clock.now();
    for (const task of tasks) tx.put('task', task.taskArn, applyTaskReport(requestStop(task, ORPHANED, now), { status: 'STOPPED' }, now));
    const inactive = { ...instance, status: 'INACTIVE' as const, agentConnected: false, version: instance.version + 1, deregisteredAt: now };
    return { record: tx.put('containerInstance', instance.containerInstanceArn, inactive), orphaned: tasks.map((t) => t.taskArn) };
  });
  ctx.log.info('container instance deregistered', { containerInstanceArn: record.containerInstanceArn, orphanedTasks: orphaned.length });
  return { containerInstance: describeContainerInstance(ctx, record) };
}
