// Task scale-in protection, shared by GetTaskProtection and UpdateTaskProtection: which tasks a request
// names and how a task's protection reads. ECS protects only tasks of a service ("This operation is only
// supported for tasks belonging to an Amazon ECS service": a standalone task is a TASK_NOT_VALID failure).
import type { Failure, ProtectedTask } from '@aws-sdk/client-ecs';
import { serviceArnOfTask } from '../../core/arn.js';
import { isProtected, type ClusterRecord, type TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { taskArnOf, type Reader } from './lookups.js';

/** The tasks a request names that can be protected, and a failure for each of the others. */
export function protectableTasks(
  ctx: ControlContext,
  cluster: ClusterRecord,
  refs: readonly string[] | undefined,
  max: number,
  reader: Reader = ctx.state,
): { tasks: TaskRecord[]; failures: Failure[] } {
  if (!refs?.length) throw new InvalidParameterException('Tasks cannot be empty.');
  if (refs.length > max) throw new InvalidParameterException(`tasks can have at most ${max} items.`);
  const tasks: TaskRecord[] = [];
  const failures: Failure[] = [];
  for (const arn of new Set(refs.map((ref) => taskArnOf(ctx, cluster, ref)))) {
    const task = reader.get('task', arn);
    if (task?.clusterArn !== cluster.clusterArn) failures.push({ arn, reason: 'MISSING' });
    else if (!serviceArnOfTask(task) || task.desiredStatus === 'STOPPED') failures.push({ arn, reason: 'TASK_NOT_VALID' });
    else tasks.push(task);
  }
  return { tasks, failures };
}

/** A task's protection as ECS answers it: an expired protection reads as none. */
export function protectionOf(task: TaskRecord, now: Date): ProtectedTask {
  return isProtected(task, now.getTime())
    ? { taskArn: task.taskArn, protectionEnabled: true, expirationDate: new Date(task.protectedUntil!) }
    : { taskArn: task.taskArn, protectionEnabled: false };
}
