// ECS's own events on the region's default bus, in the shapes ECS sends them to EventBridge: `ECS Task
// State Change` (one per task version: control/ecs/task-events.ts shapes it), `ECS Container Instance State
// Change` (one per container instance version), `ECS Deployment State Change` (a deployment started,
// completed or failed) and `ECS Service Action` (the service's steady state and placement failures, from
// its service events). Each is derived from a committed change of the records, never from a request.
import type { ContainerInstanceRecord, DeploymentRecord, ServiceRecord } from '../../core/ecs.js';
import type { Clock } from '../../core/ports.js';
import { DEFAULT_EVENT_BUS, eventId, eventTime, type EventBridgeEvent } from '../../core/events.js';
import type { ControlContext } from '../context.js';
import { isoDates, isTaskStateChange, taskStateChangeEvent } from '../ecs/task-events.js';
import type { Change } from '../state.js';
import { busQueue } from './bus-queue.js';

/**
 * Puts ECS's events on the default bus as the records change, until `signal` aborts; only while a rule
 * there could match `aws.ecs` (`wanted`): shaping an event per task version costs, and a thousand agents
 * reporting make many.
 */
export function publishEcsEvents(ctx: ControlContext, signal: AbortSignal, wanted: () => boolean = () => true): void {
  const queue = busQueue(ctx);
  const unsubscribe = ctx.state.subscribe((changes) => {
    if (!wanted()) return;
    for (const event of ecsEvents(ctx, changes)) queue.put({ eventBusName: DEFAULT_EVENT_BUS, event });
  });
  signal.addEventListener('abort', unsubscribe, { once: true });
}

export function ecsEvents(ctx: Pick<ControlContext, 'partition' | 'ids'> & { clock: Clock }, changes: readonly Change[]): EventBridgeEvent[] {
  const now = ctx.clock.now();
  const events: EventBridgeEvent[] = [];
  const event = (detailType: string, resource: string, detail: Record<string, unknown>): EventBridgeEvent => ({
    version: '0',
    id: eventId(ctx.ids.id()),
    'detail-type': detailType,
    source: 'aws.ecs',
    account: ctx.partition.accountId,
    time: eventTime(now),
    region: ctx.partition.region,
    resources: [resource],
    detail,
  });
  for (const change of changes) {
    if (isTaskStateChange(change)) events.push(taskStateChangeEvent(ctx, change.after!, now));
    else if (change.kind === 'containerInstance' && change.after) {
      const { before, after } = change as Change<'containerInstance'>;
      if (!before || after!.version > before.version) events.push(event('ECS Container Instance State Change', after!.containerInstanceArn, { ...containerInstanceDetail(after!), updatedAt: now.toISOString() }));
    } else if (change.kind === 'service' && change.after) {
      const { before, after } = change as Change<'service'>;
      for (const deployment of deploymentChanges(before, after!)) events.push(event('ECS Deployment State Change', after!.serviceArn, { ...deployment, updatedAt: now.toISOString() }));
      for (const action of serviceActions(before, after!)) events.push(event('ECS Service Action', after!.serviceArn, { ...action, clusterArn: after!.clusterArn, createdAt: now.toISOString() }));
    }
  }
  return events;
}

/** The instance as DescribeContainerInstances shows it, with its cluster (Wharf's bookkeeping left out). */
function containerInstanceDetail(instance: ContainerInstanceRecord): Record<string, unknown> {
  const { deregisteredAt: _d, agentDisconnectedAt: _a, managedCapacity: _m, tags: _t, ...rest } = instance;
  return isoDates(rest) as Record<string, unknown>;
}

const DEPLOYMENT_EVENTS = {
  IN_PROGRESS: { eventType: 'INFO', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', reason: (id: string) => `ECS deployment ${id} in progress.` },
  COMPLETED: { eventType: 'INFO', eventName: 'SERVICE_DEPLOYMENT_COMPLETED', reason: (id: string) => `ECS deployment ${id} completed.` },
  FAILED: { eventType: 'ERROR', eventName: 'SERVICE_DEPLOYMENT_FAILED', reason: (_id: string, why: string) => why },
} as const;

/** A deployment that appeared or whose rollout state changed. */
function deploymentChanges(before: ServiceRecord | undefined, after: ServiceRecord) {
  const earlier = new Map((before?.deployments ?? []).map((d): [string, DeploymentRecord] => [d.id, d]));
  return after.deployments.flatMap((d) => {
    if (earlier.get(d.id)?.rolloutState === d.rolloutState) return [];
    const shape = DEPLOYMENT_EVENTS[d.rolloutState as keyof typeof DEPLOYMENT_EVENTS];
    if (!shape) return [];
    return [{ eventType: shape.eventType, eventName: shape.eventName, deploymentId: d.id, reason: shape.reason(d.id, d.rolloutStateReason) }];
  });
}

/** Service events ECS also sends as `ECS Service Action`: the new ones since `before`. */
function serviceActions(before: ServiceRecord | undefined, after: ServiceRecord) {
  const seen = new Set((before?.events ?? []).map((e) => e.id));
  return after.events
    .filter((e) => !seen.has(e.id))
    .flatMap((e) => {
      if (e.message.endsWith('has reached a steady state.')) return [{ eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE' }];
      if (e.message.includes('was unable to place a task')) return [{ eventType: 'WARN', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', reason: e.message }];
      return [];
    });
}
