// The one writer of alarms' states (the alarm controller, SetAlarmState). A change of StateValue moves
// StateUpdatedTimestamp and StateTransitionedTimestamp and writes a StateUpdate history item as CloudWatch
// words it; staying in a state only refreshes StateReason/StateReasonData (the latest evaluation's
// datapoints, which services acting on an alarm read: src/core/cloudwatch.ts). A change of StateValue is also
// sent to EventBridge's default bus as `CloudWatch Alarm State Change`, and the new state's SNS actions are
// recorded as Action history items (core/cloudwatch-alarm-events.ts).
import { alarmStateChangeEvent, snsActionItems } from '../../core/cloudwatch-alarm-events.js';
import type { AlarmState } from '../../core/cloudwatch.js';
import { eventId } from '../../core/events.js';
import type { ControlContext } from '../context.js';
import { publishEvents } from '../events/publish.js';
import { findAlarm, isComposite, recordHistory } from './alarms.js';

export interface StateChange {
  state: AlarmState;
  reason: string;
  reasonData?: string;
}

export async function transition(ctx: ControlContext, name: string, composite: boolean, change: StateChange): Promise<void> {
  const now = ctx.clock.now();
  const moved = await ctx.state.mutate((tx) => {
    const alarm = findAlarm(tx, name);
    if (!alarm || isComposite(alarm) !== composite) return undefined;
    const same = alarm.StateValue === change.state;
    if (same && alarm.StateReason === change.reason && alarm.StateReasonData === change.reasonData) return undefined;
    const { StateReasonData: _old, ...rest } = alarm;
    const next = {
      ...rest,
      StateValue: change.state,
      StateReason: change.reason,
      ...(change.reasonData !== undefined && { StateReasonData: change.reasonData }),
      ...(!same && { StateUpdatedTimestamp: now, StateTransitionedTimestamp: now }),
    };
    if (isComposite(alarm)) tx.put('compositeAlarm', name, next as typeof alarm);
    else tx.put('metricAlarm', name, next as typeof alarm);
    return same ? undefined : { from: alarm, to: next };
  });
  if (!moved) return;
  const { from, to } = moved;
  const stateOf = (a: { StateValue: string; StateReason: string; StateReasonData?: string }) => ({
    stateValue: a.StateValue,
    stateReason: a.StateReason,
    ...(a.StateReasonData !== undefined && { stateReasonData: JSON.parse(a.StateReasonData) as unknown }),
  });
  await recordHistory(
    ctx,
    [
      {
        AlarmName: name,
        Timestamp: now,
        HistoryItemType: 'StateUpdate',
        HistorySummary: `Alarm updated from ${from.StateValue} to ${to.StateValue}`,
        HistoryData: JSON.stringify({ version: '1.0', oldState: stateOf(from), newState: stateOf(to) }),
      },
      ...snsActionItems(to, now),
    ],
    composite,
  );
  publishEvents(ctx, [{ ...alarmStateChangeEvent(from, to, eventId(ctx.ids.id())), time: now }]);
  ctx.log.info('alarm state changed', { alarmName: name, from: from.StateValue, to: to.StateValue });
}
