import type { ActivitiesType, DescribeScalingActivitiesType } from '@aws-sdk/client-auto-scaling';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { activitiesByGroup, groupNamed, pageOf } from './groups.js';

/** A group's activities (or those named), newest first, a page at a time (100 at most, 100 by default). */
export function describeScalingActivities(ctx: ControlContext, input: DescribeScalingActivitiesType): ActivitiesType {
  const name = input.AutoScalingGroupName;
  if (name !== undefined && !input.IncludeDeletedGroups) groupNamed(ctx.state, name);
  if ((input.ActivityIds?.length ?? 0) > 50) throw new ValidationError('The number of activity IDs must not exceed 50.');
  const all = name !== undefined ? ctx.state.where(activitiesByGroup, name) : [...ctx.state.all('autoScalingActivity')];
  const ids = input.ActivityIds;
  const found = all.filter((a) => !ids?.length || ids.includes(a.ActivityId));
  // Newest first: a key that sorts later times first, then the id to keep the order stable.
  const key = (a: (typeof found)[number]) => `${String(9e15 - new Date(a.StartTime).getTime()).padStart(16, '0')}${a.ActivityId}`;
  const page = pageOf(found, key, input, 100);
  return { Activities: page.items.map((a) => ({ ...a, Details: a.Details ?? '{}' })), ...(page.NextToken && { NextToken: page.NextToken }) };
}
