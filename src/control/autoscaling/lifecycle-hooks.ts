// Lifecycle hooks: an instance leaving a group (or joining it) waits in Terminating:Wait (Pending:Wait)
// until CompleteLifecycleAction, or until its heartbeat times out and the hook's DefaultResult applies.
// Put/Describe/DeleteLifecycleHook(s), CompleteLifecycleAction, RecordLifecycleActionHeartbeat.
import type {
  CompleteLifecycleActionType,
  DeleteLifecycleHookType,
  DescribeLifecycleHooksAnswer,
  DescribeLifecycleHooksType,
  LifecycleHook,
  PutLifecycleHookType,
  RecordLifecycleActionHeartbeatType,
} from '@aws-sdk/client-auto-scaling';
import { uuidOf } from '../../core/app-autoscaling.js';
import type { AutoScalingGroupRecord, GroupInstance } from '../../core/autoscaling.js';
import { LimitExceeded } from '../../core/autoscaling-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { groupNamed } from './groups.js';

export const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';
export const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
const HOOKS_PER_GROUP = 50;

/** A hook as AWS keeps it, its defaults filled in; AWS's refusals of bad settings. */
export function checkHook(hook: LifecycleHook): LifecycleHook {
  if (hook.LifecycleTransition !== TERMINATING && hook.LifecycleTransition !== LAUNCHING) {
    throw new ValidationError(`Invalid Lifecycle Transition: ${hook.LifecycleTransition ?? 'null'}. Valid values are ${LAUNCHING} and ${TERMINATING}.`);
  }
  const timeout = hook.HeartbeatTimeout ?? 3600;
  if (timeout < 30 || timeout > 7200) throw new ValidationError('Heartbeat Timeout must be between 30 and 7200 seconds.');
  const result = hook.DefaultResult ?? 'ABANDON';
  if (result !== 'CONTINUE' && result !== 'ABANDON') throw new ValidationError(`Invalid DefaultResult: ${result}. Valid values are CONTINUE and ABANDON.`);
  return {
    LifecycleHookName: hook.LifecycleHookName,
    AutoScalingGroupName: hook.AutoScalingGroupName,
    LifecycleTransition: hook.LifecycleTransition,
    ...(hook.NotificationTargetARN !== undefined && { NotificationTargetARN: hook.NotificationTargetARN }),
    ...(hook.RoleARN !== undefined && { RoleARN: hook.RoleARN }),
    ...(hook.NotificationMetadata !== undefined && { NotificationMetadata: hook.NotificationMetadata }),
    HeartbeatTimeout: timeout,
    // AWS: "the maximum time ... is 48 hours or 100 times HeartbeatTimeout, whichever is smaller".
    GlobalTimeout: Math.min(172800, timeout * 100),
    DefaultResult: result,
  };
}

/** The wait an instance enters (Pending:Wait, Terminating:Wait) when the group has a hook for the transition, else undefined. */
export function hookWait(ctx: ControlContext, group: AutoScalingGroupRecord, transition: typeof TERMINATING | typeof LAUNCHING): GroupInstance['hook'] {
  const hook = group.lifecycleHooks.find((h) => h.LifecycleTransition === transition);
  if (!hook) return undefined;
  return {
    name: hook.LifecycleHookName!,
    token: uuidOf(ctx.ids.id()),
    deadline: ctx.clock.now().getTime() + hook.HeartbeatTimeout! * 1000,
    defaultResult: hook.DefaultResult as 'CONTINUE' | 'ABANDON',
  };
}

export async function putLifecycleHook(ctx: ControlContext, input: PutLifecycleHookType): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, input.AutoScalingGroupName!);
    const existing = group.lifecycleHooks.find((h) => h.LifecycleHookName === input.LifecycleHookName);
    if (!existing && group.lifecycleHooks.length >= HOOKS_PER_GROUP) throw new LimitExceeded(`Cannot add more than ${HOOKS_PER_GROUP} lifecycle hooks to the Auto Scaling group.`);
    const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const hook = checkHook({ ...existing, ...given });
    const hooks = existing ? group.lifecycleHooks.map((h) => (h === existing ? hook : h)) : [...group.lifecycleHooks, hook];
    tx.put('autoScalingGroup', group.AutoScalingGroupName, { ...group, lifecycleHooks: hooks });
  });
  return {};
}

export function describeLifecycleHooks(ctx: ControlContext, input: DescribeLifecycleHooksType): DescribeLifecycleHooksAnswer {
  const group = groupNamed(ctx.state, input.AutoScalingGroupName!);
  const names = input.LifecycleHookNames;
  return { LifecycleHooks: group.lifecycleHooks.filter((h) => !names?.length || names.includes(h.LifecycleHookName!)) };
}

export async function deleteLifecycleHook(ctx: ControlContext, input: DeleteLifecycleHookType): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, input.AutoScalingGroupName!);
    if (!group.lifecycleHooks.some((h) => h.LifecycleHookName === input.LifecycleHookName)) {
      throw new ValidationError(`No Lifecycle Hook found with name ${input.LifecycleHookName} for group ${group.AutoScalingGroupName}`);
    }
    tx.put('autoScalingGroup', group.AutoScalingGroupName, { ...group, lifecycleHooks: group.lifecycleHooks.filter((h) => h.LifecycleHookName !== input.LifecycleHookName) });
  });
  return {};
}

/** Ends an instance's wait: a launch goes on to InService (CONTINUE) or is terminated (ABANDON); a termination goes on either way. */
export async function completeLifecycleAction(ctx: ControlContext, input: CompleteLifecycleActionType): Promise<Record<string, never>> {
  const result = input.LifecycleActionResult!;
  if (result !== 'CONTINUE' && result !== 'ABANDON') throw new ValidationError(`Invalid LifecycleActionResult: ${result}. Valid values are CONTINUE and ABANDON.`);
  await withWaiting(ctx, input, (i) => ({ ...i, hook: undefined, LifecycleState: nextAfterWait(i, result) }));
  return {};
}

export async function recordLifecycleActionHeartbeat(ctx: ControlContext, input: RecordLifecycleActionHeartbeatType): Promise<Record<string, never>> {
  await withWaiting(ctx, input, (i, hook) => ({ ...i, hook: { ...i.hook!, deadline: ctx.clock.now().getTime() + hook.HeartbeatTimeout! * 1000 } }));
  return {};
}

/** Where a waiting instance goes once its action ends with `result`. */
export const nextAfterWait = (i: GroupInstance, result: 'CONTINUE' | 'ABANDON'): GroupInstance['LifecycleState'] =>
  i.LifecycleState === 'Pending:Wait' && result === 'CONTINUE' ? 'InService' : 'Terminating';

async function withWaiting(
  ctx: ControlContext,
  input: { AutoScalingGroupName?: string; LifecycleHookName?: string; InstanceId?: string; LifecycleActionToken?: string },
  change: (i: GroupInstance, hook: LifecycleHook) => GroupInstance,
): Promise<void> {
  if (input.InstanceId === undefined && input.LifecycleActionToken === undefined) throw new ValidationError('Either InstanceId or LifecycleActionToken must be specified.');
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, input.AutoScalingGroupName!);
    const hook = group.lifecycleHooks.find((h) => h.LifecycleHookName === input.LifecycleHookName);
    if (!hook) throw new ValidationError(`No Lifecycle Hook found with name ${input.LifecycleHookName} for group ${group.AutoScalingGroupName}`);
    const waiting = group.Instances.find(
      (i) => i.hook?.name === hook.LifecycleHookName && (input.InstanceId === undefined || i.InstanceId === input.InstanceId) && (input.LifecycleActionToken === undefined || i.hook?.token === input.LifecycleActionToken),
    );
    if (!waiting) {
      throw new ValidationError(
        input.InstanceId !== undefined ? `No active Lifecycle Action found with instance ID ${input.InstanceId}` : `No active Lifecycle Action found with token ${input.LifecycleActionToken}`,
      );
    }
    tx.put('autoScalingGroup', group.AutoScalingGroupName, { ...group, Instances: group.Instances.map((i) => (i === waiting ? change(i, hook) : i)) });
  });
}
