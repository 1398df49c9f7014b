// What the cluster operations share: ECS's rules for names, settings and capacity providers, and how a
// cluster is shown, with its counts computed from the tasks and container instances in state.
import type { CapacityProviderStrategyItem, Cluster, ClusterField, ClusterSetting, KeyValuePair } from '@aws-sdk/client-ecs';
import { TASK_STATUS_ORDER, type ClusterRecord, type TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { State } from '../state.js';
import { containerInstancesByCluster, servicesByCluster, tasksByCluster } from './indexes.js';

const CLUSTER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const CLUSTER_SETTING_VALUES: Record<string, readonly string[]> = { containerInsights: ['enhanced', 'enabled', 'disabled'] };

/** Every optional part of a cluster: create, update and delete answer with all of them. */
export const ALL_CLUSTER_FIELDS: readonly ClusterField[] = ['ATTACHMENTS', 'CONFIGURATIONS', 'SETTINGS', 'STATISTICS', 'TAGS'];

export function validateClusterName(name: string): void {
  if (!CLUSTER_NAME.test(name)) {
    throw new InvalidParameterException(
      'Invalid cluster name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
}

/** `existing` with `changes` applied by setting name, after checking each change. */
export function mergeClusterSettings(existing: readonly ClusterSetting[], changes: readonly ClusterSetting[]): ClusterSetting[] {
  const byName = new Map(existing.map((s) => [s.name, s]));
  for (const s of changes) {
    const allowed = CLUSTER_SETTING_VALUES[s.name ?? ''];
    if (!allowed || s.value === undefined || !allowed.includes(s.value)) {
      throw new InvalidParameterException(`Invalid value '${s.value ?? ''}' for cluster setting '${s.name ?? ''}'.`);
    }
    byName.set(s.name, { name: s.name, value: s.value });
  }
  return [...byName.values()];
}

/** A default strategy may only name providers associated with the cluster, and only one of them may have a base. */
export function validateCapacityProviders(providers: readonly string[], strategy: readonly CapacityProviderStrategyItem[]): void {
  for (const item of strategy) {
    if (!providers.includes(item.capacityProvider!)) {
      throw new InvalidParameterException(
        `The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider '${item.capacityProvider}' with the cluster or specify a valid capacity provider and try again.`,
      );
    }
  }
  if (strategy.filter((item) => (item.base ?? 0) > 0).length > 1) {
    throw new InvalidParameterException('Only one capacity provider in a capacity provider strategy can have a base defined.');
  }
  if (new Set(strategy.map((item) => item.capacityProvider)).size < strategy.length) {
    throw new InvalidParameterException('The capacity provider strategy cannot contain the same capacity provider more than once.');
  }
}

/**
 * A strategy that can place tasks: several providers all of weight 0 cannot (ECS takes such a default strategy
 * on the cluster and refuses it when a task or service would use it).
 */
export function checkStrategyWeights(strategy: readonly CapacityProviderStrategyItem[], which: 'default' | 'request'): void {
  if (strategy.length > 1 && strategy.every((item) => (item.weight ?? 0) === 0)) {
    throw new InvalidParameterException(
      which === 'default'
        ? "There are no capacity providers with a weight value greater than zero defined in the default capacity provider strategy. At least one capacity provider must have a weight value greater than zero specified. Update the cluster's default capacity provider strategy or specify a valid capacity provider strategy and try again."
        : 'There are no capacity providers with a weight value greater than zero defined in the capacity provider strategy. At least one capacity provider must have a weight value greater than zero specified. Specify a valid capacity provider strategy and try again.',
    );
  }
}

/**
 * The strategy RunTask or CreateService launches with: its own, else (with no launch type either) the cluster's
 * default; checked against the cluster. Empty: the launch type decides.
 */
export function launchStrategy(
  cluster: ClusterRecord,
  input: { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] },
): CapacityProviderStrategyItem[] {
  const own = input.capacityProviderStrategy?.length ? input.capacityProviderStrategy : undefined;
  if (input.launchType && own) {
    throw new InvalidParameterException('Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
  }
  const strategy = own ?? (input.launchType ? [] : (cluster.defaultCapacityProviderStrategy ?? []));
  if (strategy.length === 0) return [];
  validateCapacityProviders(cluster.capacityProviders ?? [], strategy);
  checkStrategyWeights(strategy, own ? 'request' : 'default');
  const fargate = strategy.filter((item) => item.capacityProvider === 'FARGATE' || item.capacityProvider === 'FARGATE_SPOT').length;
  if (fargate > 0 && fargate < strategy.length) {
    throw new InvalidParameterException(
      'The capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.',
    );
  }
  return strategy;
}

const RUNNING = TASK_STATUS_ORDER.indexOf('RUNNING');
/** Placed but not yet RUNNING (PROVISIONING, PENDING, ACTIVATING): what ECS counts as pending. */
export const isPending = (t: TaskRecord) => TASK_STATUS_ORDER.indexOf(t.lastStatus) < RUNNING;

/** Tasks that still hold the cluster: anything not yet STOPPED. */
export const activeTasks = (state: State, clusterArn: string): TaskRecord[] =>
  state.where(tasksByCluster, clusterArn).filter((t) => t.lastStatus !== 'STOPPED');

/** Container instances registered to the cluster: ACTIVE or DRAINING, not deregistered. */
export const registeredInstances = (state: State, clusterArn: string) =>
  state.where(containerInstancesByCluster, clusterArn).filter((i) => i.status !== 'INACTIVE');

/** Services that still hold the cluster: ACTIVE and DRAINING ones (what DeleteCluster's ClusterContainsServicesException reads). */
export const activeServicesCount = (state: State, clusterArn: string): number =>
  state.where(servicesByCluster, clusterArn).filter((s) => s.status !== 'INACTIVE').length;

function taskStatistics(tasks: readonly TaskRecord[]): KeyValuePair[] {
  const launchTypes = [
    ['EC2', 'EC2'],
    ['FARGATE', 'Fargate'],
    ['EXTERNAL', 'External'],
  ] as const;
  return launchTypes.flatMap(([launchType, label]) => {
    const mine = tasks.filter((t) => (t.launchType ?? 'EC2') === launchType);
    return [
      { name: `running${label}TasksCount`, value: String(mine.filter((t) => t.lastStatus === 'RUNNING').length) },
      { name: `pending${label}TasksCount`, value: String(mine.filter(isPending).length) },
    ];
  });
}

/** A cluster as DescribeClusters shows it; `include` adds the optional parts, as ECS's `include` does. */
export function describeCluster(state: State, record: ClusterRecord, include: readonly string[] = []): Cluster {
  const tasks = activeTasks(state, record.clusterArn);
  const { deletedAt: _deletedAt, tags, settings, configuration, attachments, attachmentsStatus, ...cluster } = record;
  return {
    ...cluster,
    registeredContainerInstancesCount: registeredInstances(state, record.clusterArn).length,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter(isPending).length,
    activeServicesCount: activeServicesCount(state, record.clusterArn),
    statistics: include.includes('STATISTICS') ? taskStatistics(tasks) : [],
    tags: include.includes('TAGS') ? tags : [],
    settings: include.includes('SETTINGS') ? settings : [],
    capacityProviders: record.capacityProviders ?? [],
    defaultCapacityProviderStrategy: record.defaultCapacityProviderStrategy ?? [],
    ...(include.includes('CONFIGURATIONS') && configuration ? { configuration } : {}),
    ...(include.includes('ATTACHMENTS') ? { attachments: attachments ?? [], attachmentsStatus } : {}),
  };
}
