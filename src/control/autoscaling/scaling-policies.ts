// EC2 Auto Scaling's scaling policies of users: PutScalingPolicy, DeletePolicy, ExecutePolicy, and a policy
// run by an alarm naming its ARN in AlarmActions (Application Auto Scaling's alarm-actions controller calls
// runGroupPolicy, one path for both services). A target-tracking policy makes and owns its alarms as EC2 Auto
// Scaling makes them (TargetTracking-<group>-AlarmHigh-<uuid>, -AlarmLow-<uuid>); step and simple policies
// are run by the user's own alarms. The arithmetic is Application Auto Scaling's, pure
// (app-autoscaling-decisions.ts): target tracking's ceil(capacity x metric / target), the step a breach falls
// in, the adjustment types, and cooldowns: a simple policy's Cooldown (else the group's DefaultCooldown) both
// ways; for step and target tracking the warm-up (EstimatedInstanceWarmup, else the group's
// DefaultInstanceWarmup, else DefaultCooldown), during which the capacity a scale-out added counts as there.
// A capacity provider's managed-scaling policy is left to managed-scaling.ts (docs/capacity-providers.md).
import type { AdjustmentType, TargetTrackingScalingPolicyConfiguration } from '@aws-sdk/client-application-auto-scaling';
import type { DeletePolicyType, ExecutePolicyType, PolicyARNType, PutScalingPolicyType, ScalingPolicy, TargetTrackingConfiguration } from '@aws-sdk/client-auto-scaling';
import { uuidOf } from '../../core/app-autoscaling.js';
import { adjustedCapacity, aggregate, decide, matchingStep, recordScaling, targetTrackingCapacity, type Proposal } from '../../core/app-autoscaling-decisions.js';
import { autoScalingPolicyArn, type AutoScalingGroupRecord, type AutoScalingPolicyRecord } from '../../core/autoscaling.js';
import type { MetricAlarmRecord } from '../../core/cloudwatch.js';
import { LimitExceeded } from '../../core/autoscaling-errors.js';
import { ValidationError, ValidationException } from '../../core/errors.js';
import { deleteScalingAlarms, putScalingAlarms, scalingAlarmTiming } from '../application-autoscaling/alarms.js';
import { alarmValues } from '../application-autoscaling/policy-execution.js';
import { checkSteps } from '../application-autoscaling/put-scaling-policy.js';
import { checkTrackedMetric, isHighAlarm, targetTrackingAlarms } from '../application-autoscaling/target-tracking-alarms.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import { setCapacity } from './capacity.js';
import { groupNamed } from './groups.js';

/** EC2 Auto Scaling's quota of scaling policies per group. */
const POLICIES_PER_GROUP = 50;

const POLICY_TYPES = ['TargetTrackingScaling', 'StepScaling', 'SimpleScaling'] as const;
const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'];

/** The group metrics AWS's predefined metric types track: the group's EC2 instances' average. */
const PREDEFINED: Record<string, { Namespace: string; MetricName: string }> = {
  ASGAverageCPUUtilization: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' },
  ASGAverageNetworkIn: { Namespace: 'AWS/EC2', MetricName: 'NetworkIn' },
  ASGAverageNetworkOut: { Namespace: 'AWS/EC2', MetricName: 'NetworkOut' },
};

/** The configuration as the alarms are made from it: a group's predefined metric as the customized one it is. */
function trackedConfig(group: string, config: TargetTrackingConfiguration): TargetTrackingScalingPolicyConfiguration {
  const metric = config.PredefinedMetricSpecification && PREDEFINED[config.PredefinedMetricSpecification.PredefinedMetricType!];
  if (!metric) return config as TargetTrackingScalingPolicyConfiguration;
  return {
    TargetValue: config.TargetValue,
    ...(config.DisableScaleIn !== undefined && { DisableScaleIn: config.DisableScaleIn }),
    CustomizedMetricSpecification: { ...metric, Statistic: 'Average', Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }] },
  };
}

/** Checks the members each policy type needs and refuses those it does not take, as AWS does. */
function checkPolicy(type: string, input: PutScalingPolicyType): void {
  if (!(POLICY_TYPES as readonly string[]).includes(type)) throw new ValidationError(`Policy type ${type} is not supported.`);
  const only = (member: keyof PutScalingPolicyType, types: string[]) => {
    if (input[member] !== undefined && !types.includes(type)) throw new ValidationError(`${member} is not supported for policy type ${type}.`);
  };
  only('ScalingAdjustment', ['SimpleScaling']);
  only('Cooldown', ['SimpleScaling']);
  only('StepAdjustments', ['StepScaling']);
  only('MetricAggregationType', ['StepScaling']);
  only('EstimatedInstanceWarmup', ['StepScaling', 'TargetTrackingScaling']);
  only('AdjustmentType', ['StepScaling', 'SimpleScaling']);
  only('MinAdjustmentMagnitude', ['StepScaling', 'SimpleScaling']);
  only('TargetTrackingConfiguration', ['TargetTrackingScaling']);
  if (type === 'TargetTrackingScaling') {
    const config = input.TargetTrackingConfiguration;
    if (!config) throw new ValidationError('TargetTrackingConfiguration is required for policy type TargetTrackingScaling.');
    if ((config.PredefinedMetricSpecification === undefined) === (config.CustomizedMetricSpecification === undefined))
      throw new ValidationError('Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.');
    asValidationError(() => checkTrackedMetric(input.AutoScalingGroupName!, trackedConfig(input.AutoScalingGroupName!, config)));
    return;
  }
  if (input.AdjustmentType === undefined) throw new ValidationError(`AdjustmentType is required for policy type ${type}.`);
  if (!ADJUSTMENT_TYPES.includes(input.AdjustmentType)) throw new ValidationError(`Invalid adjustment type ${input.AdjustmentType}. Valid values are: ${ADJUSTMENT_TYPES.join(', ')}.`);
  if (input.MinAdjustmentMagnitude !== undefined && input.AdjustmentType !== 'PercentChangeInCapacity')
    throw new ValidationError('MinAdjustmentMagnitude may only be specified with an AdjustmentType of PercentChangeInCapacity.');
  if (type === 'SimpleScaling') {
    if (input.ScalingAdjustment === undefined) throw new ValidationError('ScalingAdjustment is required for policy type SimpleScaling.');
    if (input.AdjustmentType === 'ExactCapacity' && input.ScalingAdjustment < 0) throw new ValidationError('ScalingAdjustment must be non-negative for an AdjustmentType of ExactCapacity.');
    return;
  }
  asValidationError(() => checkSteps({ AdjustmentType: input.AdjustmentType as AdjustmentType, StepAdjustments: input.StepAdjustments, MinAdjustmentMagnitude: input.MinAdjustmentMagnitude }));
}

/** Runs one of Application Auto Scaling's checks, with EC2 Auto Scaling's error code. */
function asValidationError(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof ValidationException) throw new ValidationError(err.message);
    throw err;
  }
}

export async function putScalingPolicy(ctx: ControlContext, input: PutScalingPolicyType): Promise<PolicyARNType> {
  const type = (input.PolicyType ?? 'SimpleScaling') as AutoScalingPolicyRecord['PolicyType'];
  const groupName = input.AutoScalingGroupName!;
  checkPolicy(type, input);
  const { record, replaced } = await ctx.state.mutate((tx) => {
    groupNamed(tx, groupName);
    const siblings = groupPolicies(ctx, groupName);
    const existing = siblings.find((p) => p.PolicyName === input.PolicyName);
    if (!existing && siblings.length >= POLICIES_PER_GROUP) throw new LimitExceeded(`You have reached the maximum number of scaling policies (${POLICIES_PER_GROUP}) for the Auto Scaling group ${groupName}.`);
    const PolicyARN = existing?.PolicyARN ?? autoScalingPolicyArn(ctx.partition, uuidOf(ctx.ids.id()), groupName, input.PolicyName!);
    const next: AutoScalingPolicyRecord = {
      AutoScalingGroupName: groupName,
      PolicyName: input.PolicyName!,
      PolicyARN,
      PolicyType: type,
      ...(input.AdjustmentType !== undefined && { AdjustmentType: input.AdjustmentType }),
      ...(input.ScalingAdjustment !== undefined && { ScalingAdjustment: input.ScalingAdjustment }),
      ...(input.MinAdjustmentMagnitude !== undefined && { MinAdjustmentMagnitude: input.MinAdjustmentMagnitude }),
      ...(input.Cooldown !== undefined && { Cooldown: input.Cooldown }),
      ...(type === 'StepScaling' && { StepAdjustments: input.StepAdjustments, MetricAggregationType: input.MetricAggregationType ?? 'Average' }),
      ...(input.EstimatedInstanceWarmup !== undefined && { EstimatedInstanceWarmup: input.EstimatedInstanceWarmup }),
      ...(input.TargetTrackingConfiguration && { TargetTrackingConfiguration: { ...input.TargetTrackingConfiguration, DisableScaleIn: input.TargetTrackingConfiguration.DisableScaleIn ?? false } }),
      Alarms: [],
      Enabled: input.Enabled ?? true,
      ...(existing?.capacityProvider !== undefined && { capacityProvider: existing.capacityProvider }),
    };
    return { record: tx.put('autoScalingPolicy', PolicyARN, next), replaced: existing };
  });

  // The alarms follow the stored policy, as Application Auto Scaling's: old ones go, new ones are made.
  let alarms: AutoScalingPolicyRecord['Alarms'] = [];
  if (record.TargetTrackingConfiguration) {
    const inputs = targetTrackingAlarms(
      { PolicyARN: record.PolicyARN, ResourceId: groupName, config: trackedConfig(groupName, record.TargetTrackingConfiguration) },
      { high: ctx.ids.id(), low: ctx.ids.id() },
      scalingAlarmTiming(ctx),
    );
    alarms = await putScalingAlarms(ctx, inputs);
  }
  await deleteScalingAlarms(ctx, (replaced?.Alarms ?? []).map((a) => a.AlarmName));
  await ctx.state.mutate((tx) => {
    const current = tx.get('autoScalingPolicy', record.PolicyARN);
    if (current) tx.put('autoScalingPolicy', record.PolicyARN, { ...current, Alarms: alarms });
  });
  ctx.log.info('auto scaling policy put', { policyArn: record.PolicyARN, type, alarms: alarms.length });
  return { PolicyARN: record.PolicyARN, ...(record.TargetTrackingConfiguration && { Alarms: alarms }) };
}

/** Deletes a policy: a target-tracking one with its alarms; a step or simple one leaves its alarms, without the action naming it. */
export async function deletePolicy(ctx: ControlContext, input: DeletePolicyType): Promise<Record<string, never>> {
  const policy = await ctx.state.mutate((tx) => {
    const found = policyNamed(ctx, tx, input.AutoScalingGroupName, input.PolicyName!);
    tx.delete('autoScalingPolicy', found.PolicyARN);
    if (!found.TargetTrackingConfiguration) {
      for (const alarm of alarmsActingOn(ctx, found.PolicyARN)) {
        tx.put('metricAlarm', alarm.AlarmName, { ...alarm, AlarmActions: alarm.AlarmActions.filter((a) => a !== found.PolicyARN) });
      }
    }
    return found;
  });
  await deleteScalingAlarms(ctx, policy.Alarms.map((a) => a.AlarmName));
  ctx.log.info('auto scaling policy deleted', { policyArn: policy.PolicyARN });
  return {};
}

/** Deletes a group's own policies (not a capacity provider's) with it. */
export async function deleteGroupPolicies(ctx: ControlContext, group: string): Promise<void> {
  for (const policy of groupPolicies(ctx, group).filter((p) => p.capacityProvider === undefined)) {
    await deletePolicy(ctx, { PolicyName: policy.PolicyARN });
  }
}

/** ExecutePolicy: a step or simple policy run now, the cooldown honoured only when asked (simple scaling). */
export async function executePolicy(ctx: ControlContext, input: ExecutePolicyType): Promise<Record<string, never>> {
  const policy = policyNamed(ctx, ctx.state, input.AutoScalingGroupName, input.PolicyName!);
  const given = input.MetricValue !== undefined || input.BreachThreshold !== undefined;
  if (policy.PolicyType === 'TargetTrackingScaling') throw new ValidationError('ExecutePolicy is not supported for a policy of type TargetTrackingScaling.');
  if (policy.PolicyType === 'SimpleScaling' && given) throw new ValidationError('MetricValue and BreachThreshold are not supported for a policy of type SimpleScaling.');
  if (policy.PolicyType === 'StepScaling') {
    if (input.MetricValue === undefined || input.BreachThreshold === undefined) throw new ValidationError('MetricValue and BreachThreshold are required for a policy of type StepScaling.');
    if (input.HonorCooldown !== undefined) throw new ValidationError('HonorCooldown is not supported for a policy of type StepScaling.');
  }
  const group = groupNamed(ctx.state, policy.AutoScalingGroupName);
  const proposal = proposalOf(policy, group, input.MetricValue !== undefined ? input.MetricValue - input.BreachThreshold! : 0);
  if (!proposal) throw new ValidationError(`The metric value ${input.MetricValue} does not fall in any step adjustment of the policy ${policy.PolicyName}.`);
  await scale(ctx, policy, proposal, `a user request executed policy ${policy.PolicyName}`, { honorCooldown: policy.PolicyType === 'StepScaling' || (input.HonorCooldown ?? false) });
  return {};
}

/** A policy run by its alarm in ALARM: the alarm's latest values against the target or the threshold. */
export async function runGroupPolicy(ctx: ControlContext, policy: AutoScalingPolicyRecord, alarm: MetricAlarmRecord): Promise<void> {
  if (policy.capacityProvider !== undefined || !policy.Enabled) return;
  const group = ctx.state.get('autoScalingGroup', policy.AutoScalingGroupName);
  const values = group && (await alarmValues(ctx, alarm));
  if (!group || !values?.length) return;
  const tracking = policy.TargetTrackingConfiguration;
  const metric = aggregate(values, tracking ? 'Average' : policy.MetricAggregationType)!;
  const proposal = proposalOf(policy, group, tracking ? metric : metric - (alarm.Threshold ?? 0));
  if (!proposal) return;
  // Target tracking's AlarmHigh only scales out and its AlarmLow only in.
  const direction = tracking ? (isHighAlarm(alarm.AlarmName) ? 'out' : 'in') : undefined;
  await scale(ctx, policy, proposal, `a monitor alarm ${alarm.AlarmName} in state ALARM triggered policy ${policy.PolicyName}`, { honorCooldown: true, direction });
}

/** What the policy asks of the group: `value` is the metric for target tracking, the breach for step scaling. */
function proposalOf(policy: AutoScalingPolicyRecord, group: AutoScalingGroupRecord, value: number): Proposal | undefined {
  const warmup = policy.EstimatedInstanceWarmup ?? group.DefaultInstanceWarmup ?? group.DefaultCooldown;
  const tracking = policy.TargetTrackingConfiguration;
  if (tracking) {
    return { capacity: (base) => targetTrackingCapacity(base, value, tracking.TargetValue!), scaleOutCooldownSeconds: warmup, scaleInCooldownSeconds: 0, disableScaleIn: tracking.DisableScaleIn ?? false };
  }
  if (policy.PolicyType === 'SimpleScaling') {
    const cooldown = policy.Cooldown ?? group.DefaultCooldown;
    return { capacity: (base) => adjustedCapacity(policy, base, policy.ScalingAdjustment!), scaleOutCooldownSeconds: cooldown, scaleInCooldownSeconds: cooldown };
  }
  const step = matchingStep(policy.StepAdjustments ?? [], value);
  return step && { capacity: (base) => adjustedCapacity(policy, base, step.ScalingAdjustment!), scaleOutCooldownSeconds: warmup, scaleInCooldownSeconds: 0 };
}

/** Sets the group's desired capacity as the decision says (the group controller converges), with its history. */
async function scale(ctx: ControlContext, policy: AutoScalingPolicyRecord, proposal: Proposal, request: string, opts: { honorCooldown: boolean; direction?: 'out' | 'in' }): Promise<void> {
  await ctx.state.mutate((tx) => {
    const group = tx.get('autoScalingGroup', policy.AutoScalingGroupName);
    if (!group || group.Status === 'Delete in progress') return;
    const now = ctx.clock.now().getTime();
    const history = group.scalingHistory ?? {};
    const decision = decide({ current: group.DesiredCapacity, min: group.MinSize, max: group.MaxSize, history: opts.honorCooldown ? history : {} }, proposal, now);
    if (!decision.scale || (opts.direction && decision.direction !== opts.direction)) {
      ctx.log.debug('auto scaling policy held', { policyArn: policy.PolicyARN, why: decision.scale ? 'the other alarm' : decision.why });
      return;
    }
    const next = setCapacity(ctx, tx, group, decision.capacity, request);
    tx.put('autoScalingGroup', group.AutoScalingGroupName, { ...next, scalingHistory: recordScaling(history, decision, group.DesiredCapacity, proposal, now) });
    ctx.log.info('auto scaling policy scaled', { policyArn: policy.PolicyARN, from: group.DesiredCapacity, to: decision.capacity });
  });
}

const groupPolicies = (ctx: ControlContext, group: string) => [...ctx.state.all('autoScalingPolicy')].filter((p) => p.AutoScalingGroupName === group);

const alarmsActingOn = (ctx: ControlContext, arn: string) => [...ctx.state.all('metricAlarm')].filter((a) => a.AlarmActions.includes(arn));

/** A policy by its ARN, or by its name within the group (which must exist). */
function policyNamed(ctx: ControlContext, reader: Reader, group: string | undefined, nameOrArn: string): AutoScalingPolicyRecord {
  if (nameOrArn.startsWith('arn:')) {
    const found = reader.get('autoScalingPolicy', nameOrArn);
    if (!found) throw new ValidationError(`Policy ${nameOrArn} not found.`);
    return found;
  }
  if (group === undefined) throw new ValidationError('AutoScalingGroupName is required when PolicyName is not an ARN.');
  groupNamed(reader, group);
  const found = groupPolicies(ctx, group).find((p) => p.PolicyName === nameOrArn);
  if (!found) throw new ValidationError(`Policy ${nameOrArn} not found for Auto Scaling group ${group}.`);
  return found;
}

/** A policy as DescribePolicies shows it: a step or simple one lists the alarms whose actions name it. */
export function wirePolicy(ctx: ControlContext, policy: AutoScalingPolicyRecord): ScalingPolicy {
  const { capacityProvider: _owner, ...wire } = policy;
  if (policy.TargetTrackingConfiguration) return wire;
  return { ...wire, Alarms: alarmsActingOn(ctx, policy.PolicyARN).map((a) => ({ AlarmName: a.AlarmName, AlarmARN: a.AlarmArn })) };
}
