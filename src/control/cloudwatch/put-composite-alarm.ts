// PutCompositeAlarm: an alarm whose state is a rule over other alarms' states (checked: it parses, names
// alarms that exist, and does not name itself or a cycle); created in INSUFFICIENT_DATA, evaluated by the
// alarm controller.
import type { CompositeAlarmRecord } from '../../core/cloudwatch.js';
import { AlarmRuleError, alarmsOfRule, parseAlarmRule } from '../../core/cloudwatch-alarm-rule.js';
import { LimitExceededFault } from '../../core/cloudwatch-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { alarmArn, checkActions, configurationItem, findAlarm, isComposite, recordHistory } from './alarms.js';
import { MAX_ALARMS } from './put-metric-alarm.js';
import { checkTags, type Tag } from './tags.js';

export interface PutCompositeAlarmInput {
  AlarmName: string;
  AlarmRule: string;
  AlarmDescription?: string;
  ActionsEnabled?: boolean;
  AlarmActions?: string[];
  OKActions?: string[];
  InsufficientDataActions?: string[];
  Tags?: Tag[];
  ActionsSuppressor?: string;
  ActionsSuppressorWaitPeriod?: number;
  ActionsSuppressorExtensionPeriod?: number;
}

export async function putCompositeAlarm(ctx: ControlContext, input: PutCompositeAlarmInput): Promise<Record<string, never>> {
  let children: string[];
  try {
    children = alarmsOfRule(parseAlarmRule(input.AlarmRule));
  } catch (error) {
    if (error instanceof AlarmRuleError) throw new ValidationError(`Invalid AlarmRule: ${error.message}`);
    throw error;
  }
  checkActions(input.OKActions, input.AlarmActions, input.InsufficientDataActions);
  const tags = checkTags(input.Tags ?? []);
  const now = ctx.clock.now();
  const { record, created } = await ctx.state.mutate((tx) => {
    const existing = findAlarm(tx, input.AlarmName);
    if (existing && !isComposite(existing)) throw new ValidationError(`An alarm named ${input.AlarmName} already exists as a metric alarm.`);
    if (!existing && ctx.state.count('metricAlarm') + ctx.state.count('compositeAlarm') >= MAX_ALARMS) {
      throw new LimitExceededFault(`The maximum number of alarms (${MAX_ALARMS}) has been reached.`);
    }
    for (const child of children) {
      if (child === input.AlarmName) throw new ValidationError('A composite alarm cannot refer to itself in its AlarmRule.');
      if (!findAlarm(tx, child)) throw new ValidationError(`Could not save the composite alarm as alarms [${child}] in the alarm rule do not exist`);
    }
    if (reaches(tx, children, input.AlarmName)) throw new ValidationError('The AlarmRule would create a cycle of composite alarms.');
    const fresh: CompositeAlarmRecord = {
      AlarmName: input.AlarmName,
      AlarmArn: alarmArn(ctx.partition, input.AlarmName),
      ...(input.AlarmDescription !== undefined && { AlarmDescription: input.AlarmDescription }),
      AlarmRule: input.AlarmRule,
      AlarmConfigurationUpdatedTimestamp: now,
      ActionsEnabled: input.ActionsEnabled ?? true,
      OKActions: input.OKActions ?? [],
      AlarmActions: input.AlarmActions ?? [],
      InsufficientDataActions: input.InsufficientDataActions ?? [],
      StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
      ...(existing?.StateReasonData !== undefined && { StateReasonData: existing.StateReasonData }),
      StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? now,
      StateTransitionedTimestamp: existing?.StateTransitionedTimestamp ?? now,
      ...(input.ActionsSuppressor !== undefined && { ActionsSuppressor: input.ActionsSuppressor }),
      ...(input.ActionsSuppressorWaitPeriod !== undefined && { ActionsSuppressorWaitPeriod: input.ActionsSuppressorWaitPeriod }),
      ...(input.ActionsSuppressorExtensionPeriod !== undefined && { ActionsSuppressorExtensionPeriod: input.ActionsSuppressorExtensionPeriod }),
      Tags: existing ? existing.Tags : tags,
    };
    return { record: tx.put('compositeAlarm', fresh.AlarmName, fresh), created: !existing };
  });
  await recordHistory(ctx, [configurationItem(record, created ? 'Create' : 'Update', now)], true);
  return {};
}

/** Whether following composite alarms' rules from `names` comes back to `target`. */
function reaches(state: Parameters<typeof findAlarm>[0], names: string[], target: string, seen = new Set<string>()): boolean {
  for (const name of names) {
    if (name === target) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    const alarm = findAlarm(state, name);
    if (alarm && isComposite(alarm) && reaches(state, alarmsOfRule(parseAlarmRule(alarm.AlarmRule)), target, seen)) return true;
  }
  return false;
}
