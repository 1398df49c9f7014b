import type { StartTaskRequest, StartTaskResponse } from '@aws-sdk/client-ecs';
import { placeOnInstances } from '../../scheduler/placement.js';
import { clusterSnapshots } from './cluster-snapshots.js';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { checkTaskRoles } from './task-credentials.js';
import { launchableDefinition, launchTasks } from './task-launch.js';

/** One task on each named container instance that is in the cluster, connected, and has the resources. */
export async function startTask(ctx: ControlContext, input: StartTaskRequest): Promise<StartTaskResponse> {
  return ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const definition = launchableDefinition(ctx, input, tx);
    checkTaskRoles(ctx, definition, input.overrides);
    const plan = placeOnInstances(
      clusterSnapshots(ctx.state).of(cluster.clusterArn),
      { taskDefinition: definition, overrides: input.overrides, group: input.group || undefined },
      input.containerInstances ?? [],
    );
    const tasks = launchTasks(ctx, tx, cluster, definition, input, plan.placements);
    return { tasks, failures: plan.failures };
  });
}
