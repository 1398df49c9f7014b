// EnableAlarmActions, DisableAlarmActions: ActionsEnabled on the named alarms (names that are no alarm are ignored, as on AWS).
import type { ControlContext } from '../context.js';
import { findAlarm, isComposite } from './alarms.js';

async function setActionsEnabled(ctx: ControlContext, names: string[], ActionsEnabled: boolean): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    for (const name of names) {
      const alarm = findAlarm(tx, name);
      if (!alarm || alarm.ActionsEnabled === ActionsEnabled) continue;
      if (isComposite(alarm)) tx.put('compositeAlarm', name, { ...alarm, ActionsEnabled });
      else tx.put('metricAlarm', name, { ...alarm, ActionsEnabled });
    }
  });
  return {};
}

export const enableAlarmActions = (ctx: ControlContext, input: { AlarmNames: string[] }) => setActionsEnabled(ctx, input.AlarmNames, true);
export const disableAlarmActions = (ctx: ControlContext, input: { AlarmNames: string[] }) => setActionsEnabled(ctx, input.AlarmNames, false);
