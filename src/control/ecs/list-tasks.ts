import type { ListTasksRequest, ListTasksResponse } from '@aws-sdk/client-ecs';
import { lastSegment, parseArn, serviceGroup } from '../../core/arn.js';
import type { TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { containerInstanceArnOf, resolveCluster } from './lookups.js';
import { paginate } from './pagination.js';
import { resolveService } from './services.js';
import { tasksByCluster, tasksByContainerInstance, tasksByService } from './indexes.js';

export async function listTasks(ctx: ControlContext, input: ListTasksRequest): Promise<ListTasksResponse> {
  checkFilters(input);
  const cluster = resolveCluster(ctx, input.cluster);
  const candidates = input.containerInstance
    ? ctx.state.where(tasksByContainerInstance, containerInstanceArnOf(ctx, cluster, input.containerInstance))
    : input.serviceName !== undefined
      ? ctx.state.where(tasksByService, resolveService(ctx, cluster, input.serviceName).serviceArn)
      : ctx.state.where(tasksByCluster, cluster.clusterArn);
  // ECS lists RUNNING-desired tasks by default; no task is ever desired PENDING, so that lists none.
  const desiredStatus = input.desiredStatus ?? 'RUNNING';
  const matches = (t: TaskRecord) =>
    t.clusterArn === cluster.clusterArn &&
    t.desiredStatus === desiredStatus &&
    (input.family === undefined || familyOf(t) === input.family) &&
    (input.startedBy === undefined || t.startedBy === input.startedBy) &&
    (input.serviceName === undefined || t.group === serviceGroup(lastSegment(input.serviceName))) &&
    (input.launchType === undefined || t.launchType === input.launchType) &&
    // Wharf has no daemons yet: no task belongs to one.
    input.daemonName === undefined;
  const page = paginate(candidates.filter(matches), (t) => t.taskArn, input);
  return { taskArns: page.items.map((t) => t.taskArn), nextToken: page.nextToken };
}

/** ECS refuses some filters together: startedBy and serviceName each stand alone (desiredStatus aside). */
function checkFilters(input: ListTasksRequest): void {
  const others = (...names: (keyof ListTasksRequest)[]) => names.some((n) => input[n] !== undefined);
  if (input.startedBy !== undefined && others('containerInstance', 'family', 'serviceName', 'launchType', 'daemonName')) {
    throw new InvalidParameterException('cannot specify startedBy with other arguments');
  }
  if (input.serviceName !== undefined && others('containerInstance', 'family', 'daemonName')) {
    throw new InvalidParameterException('cannot specify serviceName with other arguments');
  }
}

/** The family of a task's definition, from its ARN (`task-definition/<family>:<revision>`). */
const familyOf = (t: TaskRecord) => parseArn(t.taskDefinitionArn)?.resource.split('/')[1]?.split(':')[0];
