// DeleteAlarms: deletes metric and composite alarms by name, all or none. A composite alarm whose rule
// another composite alarm names cannot go first (CloudWatch: delete the parent first, or both at once).
import { ResourceNotFound } from '../../core/cloudwatch-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { configurationItem, findAlarm, isComposite, recordHistory, type AlarmRecord } from './alarms.js';
import { alarmsOfRule, parseAlarmRule } from '../../core/cloudwatch-alarm-rule.js';

export async function deleteAlarms(ctx: ControlContext, input: { AlarmNames: string[] }): Promise<Record<string, never>> {
  const now = ctx.clock.now();
  const deleted = await ctx.state.mutate((tx) => {
    const names = new Set(input.AlarmNames);
    const alarms: AlarmRecord[] = [];
    for (const name of names) {
      const alarm = findAlarm(tx, name);
      if (!alarm) throw new ResourceNotFound(`Alarm ${name} does not exist.`);
      alarms.push(alarm);
    }
    for (const parent of ctx.state.all('compositeAlarm')) {
      if (names.has(parent.AlarmName)) continue;
      const child = alarmsOfRule(parseAlarmRule(parent.AlarmRule)).find((name) => names.has(name));
      if (child) throw new ValidationError(`Alarm ${child} is used by composite alarm ${parent.AlarmName}; delete the composite alarm first.`);
    }
    for (const alarm of alarms) tx.delete(isComposite(alarm) ? 'compositeAlarm' : 'metricAlarm', alarm.AlarmName);
    return alarms;
  });
  for (const alarm of deleted) await recordHistory(ctx, [configurationItem(alarm, 'Delete', now)], isComposite(alarm));
  return {};
}
