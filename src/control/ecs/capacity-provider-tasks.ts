// Launching tasks on Auto Scaling group capacity providers (RunTask and the service scheduler): the
// strategy's split, each provider's share placed on its group's container instances only; what finds no
// room waits in PROVISIONING when the provider scales itself (managed scaling), as ECS does, and fails
// otherwise (awsvpc tasks as the others). The managed-scaling controller places waiting tasks once instances
// arrive, making an awsvpc task's interface then.
import type { Failure, PlacementConstraint, PlacementStrategy } from '@aws-sdk/client-ecs';
import type { ClusterRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { splitByStrategy } from '../../scheduler/capacity-strategy.js';
import { MAX_TASKS_PER_REQUEST, placeTasks } from '../../scheduler/placement.js';
import type { ClusterSnapshot } from '../../scheduler/snapshot.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { tasksByCluster } from './indexes.js';
import { launchTasks, newTask, type LaunchRequest, type StrategyLaunch } from './task-launch.js';

/** "A maximum of 100 tasks can be in the provisioning state for any cluster" (ECS). */
export const MAX_PROVISIONING_TASKS = 100;

/** A task waiting for capacity: PROVISIONING on no instance yet. */
export const isWaitingForCapacity = (t: TaskRecord) => t.lastStatus === 'PROVISIONING' && t.containerInstanceArn === undefined && t.managedHostArn === undefined;

export function launchOnGroupProviders(
  ctx: ControlContext,
  tx: Transaction,
  cluster: ClusterRecord,
  definition: TaskDefinitionRecord,
  request: LaunchRequest,
  options: StrategyLaunch & {
    snapshot: ClusterSnapshot;
    placementConstraints?: readonly PlacementConstraint[];
    placementStrategy?: readonly PlacementStrategy[];
  },
): { tasks: TaskRecord[]; failures: Failure[] } {
  const tasks: TaskRecord[] = [];
  const failures: Failure[] = [];
  let waiting = ctx.state.where(tasksByCluster, cluster.clusterArn).filter(isWaitingForCapacity).length;
  for (const [provider, n] of splitByStrategy(options.strategy, options.count, options.running)) {
    let left = n;
    while (left > 0 && options.snapshot.activeInstances > 0) {
      const count = Math.min(left, MAX_TASKS_PER_REQUEST);
      const plan = placeTasks(options.snapshot, {
        taskDefinition: definition,
        overrides: request.overrides,
        group: request.group || undefined,
        count,
        placementConstraints: options.placementConstraints,
        placementStrategy: options.placementStrategy,
        random: options.random,
        capacityProvider: provider,
      });
      for (const launched of launchTasks(ctx, tx, cluster, definition, request, plan.placements, options.internal)) {
        const task = tx.put('task', launched.taskArn, { ...launched, capacityProviderName: provider });
        options.snapshot.putTask(task, plan.requirement);
        tasks.push(task);
      }
      left -= plan.placements.length;
      if (plan.placements.length < count) {
        failures.push(...plan.failures);
        break;
      }
    }
    const scales = tx.get('capacityProvider', provider)?.autoScalingGroupProvider.managedScaling.status === 'ENABLED';
    if (!scales) {
      if (left > 0 && failures.length === 0) failures.push({ reason: 'No Container Instances were found in your capacity provider.' });
      continue;
    }
    // An awsvpc task keeps its network configuration: its interface is made where it is placed.
    const awsvpc = definition.networkMode === 'awsvpc' ? request.networkConfiguration?.awsvpcConfiguration : undefined;
    for (; left > 0 && waiting < MAX_PROVISIONING_TASKS; left--, waiting++) {
      const task: TaskRecord = {
        ...newTask(ctx, cluster, definition, undefined, request),
        ...options.internal,
        lastStatus: 'PROVISIONING',
        capacityProviderName: provider,
        ...(awsvpc && { awsvpcConfiguration: awsvpc }),
      };
      tasks.push(tx.put('task', task.taskArn, task));
      ctx.log.info('task waiting for capacity', { taskArn: task.taskArn, capacityProvider: provider });
    }
    if (left > 0) failures.push({ reason: `The maximum of ${MAX_PROVISIONING_TASKS} tasks in the PROVISIONING state for the cluster was reached.` });
  }
  // Tasks that wait are not failures: ECS reports none for them.
  return { tasks, failures: tasks.length === options.count ? [] : failures };
}
