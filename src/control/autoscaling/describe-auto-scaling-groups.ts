import type {
  AutoScalingGroup,
  AutoScalingGroupNamesType,
  AutoScalingGroupsType,
  AutoScalingInstancesType,
  DescribeAutoScalingInstancesType,
  Filter,
} from '@aws-sdk/client-auto-scaling';
import type { AutoScalingGroupRecord, GroupInstance } from '../../core/autoscaling.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { pageOf } from './groups.js';

/** The groups named (all when none is), filtered by their tags, a page at a time. */
export function describeAutoScalingGroups(ctx: ControlContext, input: AutoScalingGroupNamesType): AutoScalingGroupsType {
  const names = input.AutoScalingGroupNames;
  const groups = [...ctx.state.all('autoScalingGroup')].filter((g) => (!names?.length || names.includes(g.AutoScalingGroupName)) && matches(g, input.Filters ?? []));
  const page = pageOf(groups, (g) => g.AutoScalingGroupName, input);
  const withInstances = input.IncludeInstances ?? true;
  return { AutoScalingGroups: page.items.map((g) => viewOf(g, withInstances)), ...(page.NextToken && { NextToken: page.NextToken }) };
}

const viewOf = (group: AutoScalingGroupRecord, withInstances: boolean): AutoScalingGroup => ({
  ...group,
  Instances: withInstances ? group.Instances.map(instanceView) : [],
});

const instanceView = (i: GroupInstance) => ({
  InstanceId: i.InstanceId,
  InstanceType: i.InstanceType,
  AvailabilityZone: i.AvailabilityZone,
  LifecycleState: i.LifecycleState,
  HealthStatus: i.HealthStatus,
  ProtectedFromScaleIn: i.ProtectedFromScaleIn,
  ...(i.LaunchTemplate && { LaunchTemplate: i.LaunchTemplate }),
});

/** `tag-key`, `tag-value` and `tag:<key>` filters, as DescribeAutoScalingGroups takes them (all must match). */
function matches(group: AutoScalingGroupRecord, filters: Filter[]): boolean {
  return filters.every(({ Name, Values = [] }) => {
    if (Name === 'tag-key') return group.Tags.some((t) => Values.includes(t.Key!));
    if (Name === 'tag-value') return group.Tags.some((t) => Values.includes(t.Value ?? ''));
    if (Name?.startsWith('tag:')) return group.Tags.some((t) => t.Key === Name.slice(4) && Values.includes(t.Value ?? ''));
    throw new ValidationError(`Filter name ${Name} is not valid. Valid filter names are tag-key, tag-value and tag:<key>.`);
  });
}

/** Instances of every group (or those named), each with its group's name. */
export function describeAutoScalingInstances(ctx: ControlContext, input: DescribeAutoScalingInstancesType): AutoScalingInstancesType {
  const ids = input.InstanceIds;
  const all = [...ctx.state.all('autoScalingGroup')].flatMap((g) =>
    g.Instances.filter((i) => !ids?.length || ids.includes(i.InstanceId)).map((i) => ({ ...instanceView(i), AutoScalingGroupName: g.AutoScalingGroupName, HealthStatus: i.HealthStatus.toUpperCase() })),
  );
  const page = pageOf(all, (i) => i.InstanceId, input);
  return { AutoScalingInstances: page.items, ...(page.NextToken && { NextToken: page.NextToken }) };
}
