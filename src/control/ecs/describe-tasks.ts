import type { DescribeTasksRequest, DescribeTasksResponse, Failure, Task } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { resolveCluster, taskArnOf } from './lookups.js';

const MAX_TASKS = 100;

export async function describeTasks(ctx: ControlContext, input: DescribeTasksRequest): Promise<DescribeTasksResponse> {
  const cluster = resolveCluster(ctx, input.cluster);
  const refs = input.tasks ?? [];
  if (refs.length === 0) throw new InvalidParameterException('Tasks cannot be empty.');
  if (refs.length > MAX_TASKS) throw new InvalidParameterException(`taskIds can have at most ${MAX_TASKS} items.`);
  // ECS leaves tags out unless asked for them.
  const withTags = input.include?.includes('TAGS') ?? false;
  const tasks: Task[] = [];
  const failures: Failure[] = [];
  for (const arn of new Set(refs.map((ref) => taskArnOf(ctx, cluster, ref)))) {
    const task = ctx.state.get('task', arn);
    if (task?.clusterArn === cluster.clusterArn) tasks.push(withTags ? task : { ...task, tags: undefined });
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { tasks, failures };
}
