// The alarms scaling policies own, made and deleted through CloudWatch's own PutMetricAlarm and
// DeleteAlarms (so they are validated, described and evaluated like any other alarm), and the timing they
// get: AWS's one-minute periods, or Wharf's high-resolution setting (10-s periods).
import type { PutMetricAlarmInput as WirePutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { ControlContext } from '../context.js';
import { alarmArn, findAlarm } from '../cloudwatch/alarms.js';
import { deleteAlarms } from '../cloudwatch/delete-alarms.js';
import { putMetricAlarm, type PutMetricAlarmInput } from '../cloudwatch/put-metric-alarm.js';
import { HIGH_RESOLUTION_TIMING, STANDARD_TIMING, type AlarmTiming } from './target-tracking-alarms.js';

/** Per region context: whether target-tracking alarms use 10-s periods (WHARF_SCALING_HIGH_RESOLUTION, set by the api module). */
const highResolution = new WeakSet<object>();

export function useHighResolutionAlarms(ctx: ControlContext): void {
  highResolution.add(ctx.state);
}

export const scalingAlarmTiming = (ctx: ControlContext): AlarmTiming => (highResolution.has(ctx.state) ? HIGH_RESOLUTION_TIMING : STANDARD_TIMING);

/** Makes (or replaces) the alarms; answers their names and ARNs. */
export async function putScalingAlarms(ctx: ControlContext, inputs: WirePutMetricAlarmInput[]): Promise<{ AlarmName: string; AlarmARN: string }[]> {
  for (const input of inputs) await putMetricAlarm(ctx, input as PutMetricAlarmInput);
  return inputs.map((input) => ({ AlarmName: input.AlarmName!, AlarmARN: alarmArn(ctx.partition, input.AlarmName!) }));
}

/** Deletes those of the alarms that still exist (a user may have deleted one already). */
export async function deleteScalingAlarms(ctx: ControlContext, names: string[]): Promise<void> {
  const existing = names.filter((name) => findAlarm(ctx.state, name));
  if (existing.length) await deleteAlarms(ctx, { AlarmNames: existing });
}
