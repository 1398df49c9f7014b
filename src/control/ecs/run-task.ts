import type { RunTaskRequest, RunTaskResponse } from '@aws-sdk/client-ecs';
import type { Ids } from '../../core/ports.js';
import { ConflictException, InvalidParameterException } from '../../core/ecs-errors.js';
import { MAX_TASKS_PER_REQUEST, placeTasks } from '../../scheduler/placement.js';
import { clusterSnapshots } from './cluster-snapshots.js';
import type { ControlContext } from '../context.js';
import { launchOnGroupProviders } from './capacity-provider-tasks.js';
import { launchStrategy } from './clusters.js';
import { resolveCluster } from './lookups.js';
import { checkFargateLaunch, fargatePlatformVersion, isFargateStrategy, launchFargateSplit } from './fargate.js';
import { checkTaskRoles } from './task-credentials.js';
import { launchableDefinition, launchTasks } from './task-launch.js';
import { tasksByCluster } from './indexes.js';

const NO_CAPACITY = 'No Container Instances were found in your cluster.';

export async function runTask(ctx: ControlContext, input: RunTaskRequest): Promise<RunTaskResponse> {
  // What a retry with the same clientToken must repeat exactly to get the same tasks back.
  const { clientToken, ...request } = input;
  const fingerprint = JSON.stringify(request);
  return ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    if (clientToken !== undefined) {
      const earlier = ctx.state.where(tasksByCluster, cluster.clusterArn).filter((t) => t.clientToken === clientToken);
      if (earlier.length > 0) {
        if (earlier.some((t) => t.clientRequest !== fingerprint)) {
          throw new ConflictException(
            'The provided clientToken is already in use with a different RunTask request.',
            earlier.map((t) => t.taskArn),
          );
        }
        return { tasks: earlier, failures: [] };
      }
    }
    const internal = { ...(clientToken !== undefined && { clientToken, clientRequest: fingerprint }) };
    // Wharf's capacity is its EC2-style container instances (directly, or through Auto Scaling group
    // capacity providers) and its managed capacity (Fargate, directly or through the FARGATE and FARGATE_SPOT
    // providers); external instances have none, which ECS answers as it does for an empty cluster.
    const strategy = launchStrategy(cluster, input);
    if (strategy.length > 0 && !isFargateStrategy(strategy)) {
      const definition = launchableDefinition(ctx, input, tx);
      checkTaskRoles(ctx, definition, input.overrides);
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > MAX_TASKS_PER_REQUEST) throw new InvalidParameterException(`count must be between 1 and ${MAX_TASKS_PER_REQUEST}.`);
      return launchOnGroupProviders(ctx, tx, cluster, definition, input, {
        count,
        strategy,
        snapshot: clusterSnapshots(ctx.state).of(cluster.clusterArn),
        placementConstraints: input.placementConstraints,
        placementStrategy: input.placementStrategy,
        random: randomFrom(ctx.ids),
        internal,
      });
    }
    if (input.launchType === 'FARGATE' || strategy.length > 0) {
      const definition = launchableDefinition(ctx, input, tx);
      checkFargateLaunch(definition, input.overrides);
      checkTaskRoles(ctx, definition, input.overrides);
      if (input.placementConstraints?.length || input.placementStrategy?.length) {
        throw new InvalidParameterException('Task placement constraints and strategies are not supported with the FARGATE launch type.');
      }
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > MAX_TASKS_PER_REQUEST) throw new InvalidParameterException(`count must be between 1 and ${MAX_TASKS_PER_REQUEST}.`);
      return launchFargateSplit(ctx, tx, cluster, definition, input, {
        count,
        strategy,
        platformVersion: fargatePlatformVersion(input.platformVersion),
        random: randomFrom(ctx.ids),
        internal,
      });
    }
    if (input.launchType !== undefined && input.launchType !== 'EC2') throw new InvalidParameterException(NO_CAPACITY);

    const definition = launchableDefinition(ctx, input, tx);
    checkTaskRoles(ctx, definition, input.overrides);
    const plan = placeTasks(clusterSnapshots(ctx.state).of(cluster.clusterArn), {
      taskDefinition: definition,
      overrides: input.overrides,
      group: input.group || undefined,
      count: input.count,
      placementConstraints: input.placementConstraints,
      placementStrategy: input.placementStrategy,
      random: randomFrom(ctx.ids),
    });
    const tasks = launchTasks(ctx, tx, cluster, definition, input, plan.placements, internal);
    return { tasks, failures: plan.failures };
  });
}

/** Placement's random draws come through the Ids port (random in production), so tests replay exactly. */
export const randomFrom = (ids: Ids) => () => parseInt(ids.id().slice(0, 8), 16) / 2 ** 32;
