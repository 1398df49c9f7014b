// Amazon EventBridge on the gateway (awsJson 1.1): event buses, rules with event patterns and schedules,
// ECS targets, PutEvents and TestEventPattern; each region's delivery runs as its controllers.
import { createEventBus, deleteEventBus, describeEventBus, ensureDefaultBus, listEventBuses, updateEventBus } from '../control/events/buses.js';
import { runEventDelivery } from '../control/events/delivery.js';
import { publishEcsEvents } from '../control/events/ecs-events.js';
import { putEvents } from '../control/events/put-events.js';
import { deleteRule, describeRule, disableRule, enableRule, listRuleNamesByTarget, listRules, putRule } from '../control/events/rules.js';
import { listTagsForResource, tagResource, untagResource } from '../control/events/tags.js';
import { listTargetsByRule, putTargets, removeTargets } from '../control/events/targets.js';
import { testEventPattern } from '../control/events/test-event-pattern.js';
import { DEFAULT_EVENT_BUS, type EventTarget } from '../core/events.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const events: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('events'),
    handlers: {
      CreateEventBus: (input) => createEventBus(ctx, input),
      DescribeEventBus: (input) => describeEventBus(ctx, input),
      UpdateEventBus: (input) => updateEventBus(ctx, input),
      DeleteEventBus: (input) => deleteEventBus(ctx, input),
      ListEventBuses: (input) => listEventBuses(ctx, input),
      PutRule: (input, call) => putRule(ctx, input, call),
      DescribeRule: (input) => describeRule(ctx, input),
      ListRules: (input) => listRules(ctx, input),
      EnableRule: (input) => enableRule(ctx, input),
      DisableRule: (input) => disableRule(ctx, input),
      DeleteRule: (input) => deleteRule(ctx, input),
      ListRuleNamesByTarget: (input) => listRuleNamesByTarget(ctx, input),
      PutTargets: (input) => putTargets(ctx, input),
      RemoveTargets: (input) => removeTargets(ctx, input),
      ListTargetsByRule: (input) => listTargetsByRule(ctx, input),
      PutEvents: (input) => putEvents(ctx, input),
      TestEventPattern: (input) => testEventPattern(input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
    },
  }),
  authorization: {
    taggedKinds: ['eventBus', 'eventRule'],
    // Naming a role for EventBridge to use is passing it (PutRule's RoleArn, each target's).
    implied: (_ctx, operation, input) => {
      const roles: string[] =
        operation === 'PutRule' ? [input.RoleArn] : operation === 'PutTargets' ? (input.Targets as EventTarget[]).map((t) => t.RoleArn!) : [];
      return roles.filter(Boolean).map((role) => ({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'events.amazonaws.com' } }));
    },
  },
  controllers: (ctx, signal) => {
    const { delivery, loops } = runEventDelivery(ctx, signal);
    publishEcsEvents(ctx, signal, () => delivery.wants(DEFAULT_EVENT_BUS, 'aws.ecs'));
    return loops;
  },
  ensureDefaults: (ctx) => ensureDefaultBus(ctx),
};
