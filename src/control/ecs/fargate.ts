// The Fargate launch type: what RunTask and CreateService check before they launch on it, and launching
// tasks on Wharf-managed capacity (the hosts whose agents offer it), where the user sees no instance.
import type { CapacityProviderStrategyItem, TaskOverride } from '@aws-sdk/client-ecs';
import type { ClusterRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { splitByStrategy } from '../../scheduler/capacity-strategy.js';
import { placeOnManagedCapacity } from '../../scheduler/managed-capacity.js';
import { MAX_TASKS_PER_REQUEST } from '../../scheduler/placement.js';
import { parseTaskCpu, parseTaskMemory } from '../../scheduler/resources.js';
import type { ControlContext } from '../context.js';
import { managedHosts } from './managed-capacity.js';
import type { Transaction } from '../state.js';
import { fargateProblem, isFargateSize, noFargateSize } from './task-definitions.js';
import { withOverrides } from '../../core/task-overrides.js';
import { launchTasks, type InternalLaunch, type LaunchRequest, type StrategyLaunch, type TaskLaunch } from './task-launch.js';

/** The one Fargate platform Wharf provides; LATEST names it. */
export const FARGATE_PLATFORM_VERSION = '1.4.0';
/** The capacity providers every cluster may use for Fargate. */
export const FARGATE_CAPACITY_PROVIDERS: readonly string[] = ['FARGATE', 'FARGATE_SPOT'];

/** The platform version a Fargate task runs, from what the request asks for. */
export function fargatePlatformVersion(requested: string | undefined): string {
  if (requested === undefined || requested === 'LATEST' || requested === FARGATE_PLATFORM_VERSION) return FARGATE_PLATFORM_VERSION;
  throw new InvalidParameterException(`The specified platform does not exist: ${requested}.`);
}

/** Whether a strategy names Fargate's providers only (the only capacity providers with capacity here). */
export const isFargateStrategy = (strategy: readonly CapacityProviderStrategyItem[]) =>
  strategy.length > 0 && strategy.every((s) => FARGATE_CAPACITY_PROVIDERS.includes(s.capacityProvider ?? ''));

/**
 * Launches `count` tasks on managed capacity split across the strategy's providers (none: the FARGATE launch
 * type), counting what the service already runs on each; at most ten per launch, as RunTask.
 */
export function launchFargateSplit(
  ctx: ControlContext,
  tx: Transaction,
  cluster: ClusterRecord,
  definition: TaskDefinitionRecord,
  request: LaunchRequest,
  options: StrategyLaunch & { platformVersion: string },
): { tasks: TaskRecord[]; failures: { arn?: string; reason: string }[] } {
  const split = options.strategy.length ? splitByStrategy(options.strategy, options.count, options.running) : new Map([[undefined, options.count]]);
  const tasks: TaskRecord[] = [];
  const failures: { arn?: string; reason: string }[] = [];
  for (const [provider, n] of split) {
    for (let left = n; left > 0 && failures.length === 0; left -= MAX_TASKS_PER_REQUEST) {
      const launched = launchFargateTasks(ctx, tx, cluster, definition, request, {
        count: Math.min(left, MAX_TASKS_PER_REQUEST),
        launch: { launchType: 'FARGATE', platformVersion: options.platformVersion, ...(provider && { capacityProviderName: provider }) },
        random: options.random,
        ...(options.internal && { internal: options.internal }),
      });
      tasks.push(...launched.tasks);
      failures.push(...launched.failures);
    }
  }
  return { tasks, failures };
}

/** Whether a definition, run with `overrides`, can launch on Fargate: ECS's InvalidParameterException if not. */
export function checkFargateLaunch(definition: TaskDefinitionRecord, overrides?: TaskOverride): void {
  // Checked again, not only read from the record: a definition registered before a rule existed is held to it.
  if (!definition.compatibilities?.includes('FARGATE') || fargateProblem(definition) !== undefined) {
    throw new InvalidParameterException('Task definition does not support launch_type FARGATE.');
  }
  const cpu = overrides?.cpu ?? definition.cpu;
  const memory = overrides?.memory ?? definition.memory;
  if (!isFargateSize(parseTaskCpu(cpu), parseTaskMemory(memory))) throw new InvalidParameterException(noFargateSize(cpu, memory));
}

/**
 * Launches up to `count` tasks on managed capacity, in the mutation that placed them. Answers the tasks
 * created and, for those that found no room, RunTask's failures.
 */
export function launchFargateTasks(
  ctx: ControlContext,
  tx: Transaction,
  cluster: ClusterRecord,
  definition: TaskDefinitionRecord,
  request: LaunchRequest,
  options: {
    count: number;
    launch: Extract<TaskLaunch, { launchType: 'FARGATE' }>;
    random: () => number;
    internal?: InternalLaunch;
  },
): { tasks: TaskRecord[]; failures: { arn?: string; reason: string }[] } {
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > MAX_TASKS_PER_REQUEST) {
    throw new InvalidParameterException(`count must be between 1 and ${MAX_TASKS_PER_REQUEST}.`);
  }
  const size = withOverrides(definition, request.overrides);
  const plan = placeOnManagedCapacity(managedHosts(ctx.state, tx), {
    cpu: parseTaskCpu(size.cpu) ?? 0,
    memory: parseTaskMemory(size.memory) ?? 0,
    count: options.count,
    random: options.random,
  });
  const placements = plan.placements.map((p) => ({ containerInstanceArn: p.hostArn }));
  const tasks = launchTasks(ctx, tx, cluster, definition, request, placements, options.internal, options.launch);
  return { tasks, failures: plan.failures.map((f) => ({ reason: f.reason! })) };
}
