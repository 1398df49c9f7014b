// Where a service's load balancers send traffic during BLUE_GREEN, LINEAR and CANARY deployments
// (loadBalancers[].advancedConfiguration): each deployment's tasks register in one of two target groups,
// the service's or the alternate, and the production and test listener rules (an ALB's listener rules, an
// NLB's listeners' default actions) forward to them with the weights the primary deployment's traffic
// shift asks for (scheduler/deployment.ts). Level-based: the service controller calls `routeTraffic` after
// every plan and the rules are rewritten only when they differ.
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DeploymentRecord, ServiceRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ListenerRecord, RuleRecord } from '../../core/elbv2.js';
import { forwardWeights, testsGreen } from '../../scheduler/deployment.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';
import { resolveRule } from '../elbv2/lookups.js';

/**
 * What an advancedConfiguration's productionListenerRule or testListenerRule names, as ECS reads it (the
 * AdvancedConfiguration reference): for an Application Load Balancer a listener rule (its default rule
 * included), for a Network Load Balancer a listener, whose default action is the one shifted (NLB
 * listeners have no other rules). Anything else is refused with InvalidParameterException.
 */
export function trafficRule(state: Pick<State, 'get' | 'all'>, arn: string): RuleRecord | { default: ListenerRecord } {
  const listener = state.get('listener', arn);
  if (listener) {
    if (state.get('loadBalancer', listener.LoadBalancerArn)?.Type === 'network') return { default: listener };
    throw new InvalidParameterException(`The listener ${arn} belongs to an Application Load Balancer: name one of its listener rules.`);
  }
  let found;
  try {
    found = resolveRule(state, arn);
  } catch {
    throw new InvalidParameterException(`The listener rule ${arn} does not exist.`);
  }
  const owner = 'default' in found ? found.default : state.get('listener', found.ListenerArn);
  if (owner && state.get('loadBalancer', owner.LoadBalancerArn)?.Type === 'network')
    throw new InvalidParameterException(`The listener rule ${arn} belongs to a Network Load Balancer: name its listener ${owner.ListenerArn}.`);
  return found;
}

/** The load balancers a service task registers with: its task set's (EXTERNAL), else its deployment's. */
export function taskLoadBalancers(service: ServiceRecord, startedBy: string | undefined): LoadBalancer[] {
  const taskSet = service.taskSets?.find((ts) => ts.id === startedBy);
  if (taskSet) return taskSet.loadBalancers;
  return deploymentLoadBalancers(service, service.deployments.find((d) => d.id === startedBy));
}

/** The load balancers a deployment's tasks register with: the service's, or for a deployment on the alternate side, its alternate target groups. */
export function deploymentLoadBalancers(service: Pick<ServiceRecord, 'loadBalancers'>, deployment: Pick<DeploymentRecord, 'alternateTargetGroups'> | undefined): LoadBalancer[] {
  const loadBalancers = service.loadBalancers ?? [];
  if (!deployment?.alternateTargetGroups) return loadBalancers;
  return loadBalancers.map((lb) => {
    const alternate = lb.advancedConfiguration?.alternateTargetGroupArn;
    return alternate ? { ...lb, targetGroupArn: alternate } : lb;
  });
}

/**
 * Points each production listener rule at green with its share of the traffic (blue gets the rest) and each
 * test listener rule at green from TEST_TRAFFIC_SHIFT on; with no shift in progress, both forward wholly to
 * the primary deployment (after a completed deployment, or a rollback to blue).
 */
export function routeTraffic(ctx: ControlContext, tx: Transaction, service: ServiceRecord): void {
  const primary = service.deployments[0];
  if (!primary || service.status !== 'ACTIVE') return;
  const shift = primary.rolloutState === 'IN_PROGRESS' ? primary.trafficShift : undefined;
  for (const lb of service.loadBalancers ?? []) {
    const advanced = lb.advancedConfiguration;
    if (!lb.targetGroupArn || !advanced?.alternateTargetGroupArn || !advanced.productionListenerRule) continue;
    const [blue, green] = primary.alternateTargetGroups ? [lb.targetGroupArn, advanced.alternateTargetGroupArn] : [advanced.alternateTargetGroupArn, lb.targetGroupArn];
    forward(ctx, tx, advanced.productionListenerRule, blue, green, shift?.productionPercent ?? 100);
    if (advanced.testListenerRule) forward(ctx, tx, advanced.testListenerRule, blue, green, shift && !testsGreen(shift) ? 0 : 100);
  }
}

/** Rewrites a rule's (or an NLB listener's) forward action to split between blue and green; one since deleted is left alone. */
function forward(ctx: ControlContext, tx: Transaction, ruleArn: string, blue: string, green: string, greenPercent: number): void {
  let found;
  try {
    found = trafficRule(ctx.state, ruleArn);
  } catch {
    ctx.log.warn('deployment listener rule missing', { ruleArn });
    return;
  }
  const weights = forwardWeights(greenPercent);
  const replace = (actions: Action[]): Action[] => {
    const others = actions.filter((a) => a.Type !== 'forward');
    const previous = actions.find((a) => a.Type === 'forward');
    const action: Action = {
      Type: 'forward',
      ...(previous?.Order !== undefined && { Order: previous.Order }),
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: blue, Weight: weights.blue },
          { TargetGroupArn: green, Weight: weights.green },
        ],
        TargetGroupStickinessConfig: previous?.ForwardConfig?.TargetGroupStickinessConfig ?? { Enabled: false },
      },
    };
    return [...others, action];
  };
  if ('default' in found) {
    const listener = tx.get('listener', found.default.ListenerArn)!;
    const actions = replace(listener.DefaultActions ?? []);
    if (JSON.stringify(actions) !== JSON.stringify(listener.DefaultActions)) tx.put('listener', listener.ListenerArn, { ...listener, DefaultActions: actions });
    return;
  }
  const rule = tx.get('rule', found.RuleArn)!;
  const actions = replace(rule.Actions);
  if (JSON.stringify(actions) !== JSON.stringify(rule.Actions)) tx.put('rule', rule.RuleArn, { ...rule, Actions: actions });
}
