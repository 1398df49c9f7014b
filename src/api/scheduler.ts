// Amazon EventBridge Scheduler on the gateway (REST-JSON): schedule groups, one-off and recurring schedules
// in a time zone with flexible windows, targeting ECS RunTask; each region's schedules run as its controllers.
import { createScheduleGroup, deleteScheduleGroup, ensureDefaultGroup, getScheduleGroup, listScheduleGroups, listTagsForResource, tagResource, untagResource } from '../control/scheduler/groups.js';
import { runSchedules } from '../control/scheduler/schedule-runner.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, updateSchedule } from '../control/scheduler/schedules.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const scheduler: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('scheduler'),
    handlers: {
      CreateSchedule: (input) => createSchedule(ctx, input),
      GetSchedule: (input) => getSchedule(ctx, input),
      UpdateSchedule: (input) => updateSchedule(ctx, input),
      DeleteSchedule: (input) => deleteSchedule(ctx, input),
      ListSchedules: (input) => listSchedules(ctx, input),
      CreateScheduleGroup: (input) => createScheduleGroup(ctx, input),
      GetScheduleGroup: (input) => getScheduleGroup(ctx, input),
      DeleteScheduleGroup: (input) => deleteScheduleGroup(ctx, input),
      ListScheduleGroups: (input) => listScheduleGroups(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
    },
  }),
  authorization: {
    taggedKinds: ['scheduleGroup'],
    // Naming the role Scheduler runs the target as is passing it.
    implied: (_ctx, operation, input) =>
      (operation === 'CreateSchedule' || operation === 'UpdateSchedule') && input.Target?.RoleArn
        ? [{ action: 'iam:PassRole', resource: input.Target.RoleArn, context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }]
        : [],
  },
  controllers: (ctx, signal) => [runSchedules(ctx, signal)],
  ensureDefaults: (ctx) => ensureDefaultGroup(ctx),
};
