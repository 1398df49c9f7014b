// SetAlarmState: sets an alarm's state for a while (until its next evaluation, as on AWS), with a history item;
// StateReasonData must be JSON.
import type { AlarmState } from '../../core/cloudwatch.js';
import { InvalidFormatFault, ResourceNotFound } from '../../core/cloudwatch-errors.js';
import type { ControlContext } from '../context.js';
import { findAlarm, isComposite } from './alarms.js';
import { transition } from './transition.js';

export async function setAlarmState(ctx: ControlContext, input: { AlarmName: string; StateValue: AlarmState; StateReason: string; StateReasonData?: string }): Promise<Record<string, never>> {
  if (input.StateReasonData !== undefined) {
    try {
      JSON.parse(input.StateReasonData);
    } catch {
      throw new InvalidFormatFault('StateReasonData is not valid JSON.');
    }
  }
  const alarm = findAlarm(ctx.state, input.AlarmName);
  if (!alarm) throw new ResourceNotFound(`Alarm ${input.AlarmName} does not exist.`);
  await transition(ctx, alarm.AlarmName, isComposite(alarm), { state: input.StateValue, reason: input.StateReason, ...(input.StateReasonData !== undefined && { reasonData: input.StateReasonData }) });
  return {};
}
