// What the Auto Scaling operations share: finding a group by name, checking sizes, launch templates and
// subnets as EC2 Auto Scaling checks them (all `ValidationError`), and recording scaling activities.
import type { LaunchTemplateSpecification, MixedInstancesPolicy } from '@aws-sdk/client-auto-scaling';
import { uuidOf } from '../../core/app-autoscaling.js';
import { causeTime, type AutoScalingGroupRecord, type ScalingActivityRecord } from '../../core/autoscaling.js';
import { InvalidNextToken } from '../../core/autoscaling-errors.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import { paginate } from '../ecs/pagination.js';
import { findZone } from '../ec2/zones.js';
import { defineIndex, type Transaction } from '../state.js';

export const activitiesByGroup = defineIndex('autoScalingActivity', (a) => a.AutoScalingGroupName);

export function groupNamed(reader: Reader, name: string): AutoScalingGroupRecord {
  const group = reader.get('autoScalingGroup', name);
  if (!group) throw new ValidationError(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
  return group;
}

export function checkSizes(min: number, max: number, desired: number): void {
  if (min > max) throw new ValidationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) throw new ValidationError(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
}

/** The group's launch template (its own, or its mixed instances policy's), checked to exist. */
export function checkLaunchTemplate(ctx: ControlContext, input: { LaunchTemplate?: LaunchTemplateSpecification; MixedInstancesPolicy?: MixedInstancesPolicy; LaunchConfigurationName?: string; InstanceId?: string }): void {
  const given = [input.LaunchTemplate, input.MixedInstancesPolicy, input.LaunchConfigurationName, input.InstanceId].filter((x) => x !== undefined);
  if (given.length !== 1) throw new ValidationError('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  // Launch configurations are retired (no new accounts may use them); instances to copy are not kept.
  if (input.LaunchConfigurationName !== undefined) throw new ValidationError(`Launch configuration name not found - Launch configuration ${input.LaunchConfigurationName} not found`);
  if (input.InstanceId !== undefined) throw new ValidationError(`Instance Id not found - No instance with id: ${input.InstanceId}`);
  const spec = input.LaunchTemplate ?? input.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!spec) throw new ValidationError('The specified MixedInstancesPolicy is missing a LaunchTemplateSpecification.');
  if ((spec.LaunchTemplateId === undefined) === (spec.LaunchTemplateName === undefined)) throw new ValidationError('Valid requests must contain either launchTemplateId or LaunchTemplateName');
  templateOf(ctx, spec);
}

/** The launch template a specification names (by id, else by name), or AWS's refusal. */
export function templateOf(ctx: ControlContext, spec: LaunchTemplateSpecification): { id: string; name: string; version: string } {
  const { LaunchTemplateId: id, LaunchTemplateName: name } = spec;
  const template = id !== undefined ? ctx.state.get('launchTemplate', id) : [...ctx.state.all('launchTemplate')].find((t) => t.LaunchTemplateName === name);
  if (!template) {
    throw new ValidationError(`You must use a valid fully-formed launch template. The specified launch template, with ${id !== undefined ? `template ID ${id}` : `template name ${name}`}, does not exist.`);
  }
  const version = spec.Version ?? '$Default';
  const number = version === '$Latest' ? template.LatestVersionNumber : version === '$Default' ? template.DefaultVersionNumber : Number(version);
  if (!template.versions.some((v) => v.VersionNumber === number)) {
    throw new ValidationError(`You must use a valid fully-formed launch template. The specified launch template version ${version} for launch template ${template.LaunchTemplateId} does not exist.`);
  }
  return { id: template.LaunchTemplateId, name: template.LaunchTemplateName, version: String(number) };
}

/** A group's LaunchTemplate as AWS shows it: both the id and the name, the version as given. */
export function templateSpec(ctx: ControlContext, spec: LaunchTemplateSpecification): LaunchTemplateSpecification {
  const { id, name } = templateOf(ctx, spec);
  return { LaunchTemplateId: id, LaunchTemplateName: name, Version: spec.Version ?? '$Default' };
}

/** The group's launch template as it stands (the version each new instance is launched with). */
export const groupTemplate = (ctx: ControlContext, group: AutoScalingGroupRecord) =>
  templateOf(ctx, group.LaunchTemplate ?? group.MixedInstancesPolicy!.LaunchTemplate!.LaunchTemplateSpecification!);

/**
 * The group's zones and its subnets in each: from VPCZoneIdentifier (comma-separated subnet ids) when given,
 * else the zones named (their default subnets). AWS refuses a group with neither.
 */
export function placementOf(ctx: ControlContext, input: { VPCZoneIdentifier?: string; AvailabilityZones?: string[] }): { zones: string[]; subnetsByZone: Record<string, string[]> } {
  const subnetIds = (input.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (subnetIds.length) {
    const subnetsByZone: Record<string, string[]> = {};
    let vpc: string | undefined;
    for (const id of subnetIds) {
      const subnet = ctx.state.get('subnet', id);
      if (!subnet) throw new ValidationError(`The subnet ID '${id}' does not exist`);
      if (vpc !== undefined && subnet.VpcId !== vpc) throw new ValidationError('The subnets must be in the same VPC.');
      vpc = subnet.VpcId;
      (subnetsByZone[subnet.AvailabilityZone!] ??= []).push(id);
    }
    return { zones: Object.keys(subnetsByZone).sort(), subnetsByZone };
  }
  const zones = input.AvailabilityZones ?? [];
  if (!zones.length) throw new ValidationError('At least one Availability Zone or VPC Subnet is required.');
  for (const zone of zones) if (!findZone(ctx.partition.region, zone)) throw new ValidationError(`The availability zone ${zone} is not legally formatted`);
  return { zones: [...new Set(zones)].sort(), subnetsByZone: {} };
}

/** AWS's "At <time> a user request ... changing the desired capacity from a to b." */
export const capacityCause = (at: Date, request: string, from: number, to: number) =>
  `At ${causeTime(at)} ${request} changing the desired capacity from ${from} to ${to}.`;

/** Activities kept per group (AWS keeps six weeks of them; a bound keeps the state small). */
const ACTIVITIES_KEPT = 200;

export function recordActivity(
  ctx: ControlContext,
  tx: Transaction,
  group: AutoScalingGroupRecord,
  activity: Pick<ScalingActivityRecord, 'Description' | 'Cause' | 'StatusCode' | 'Details'> & Partial<ScalingActivityRecord>,
): ScalingActivityRecord {
  const record: ScalingActivityRecord = {
    ActivityId: uuidOf(ctx.ids.id()),
    AutoScalingGroupName: group.AutoScalingGroupName,
    AutoScalingGroupARN: group.AutoScalingGroupARN,
    StartTime: ctx.clock.now(),
    Progress: activity.StatusCode === 'Successful' || activity.StatusCode === 'Failed' ? 100 : 0,
    ...activity,
  };
  tx.put('autoScalingActivity', record.ActivityId, record);
  const older = ctx.state.where(activitiesByGroup, group.AutoScalingGroupName);
  if (older.length < ACTIVITIES_KEPT) return record;
  older.sort((a, b) => new Date(b.StartTime).getTime() - new Date(a.StartTime).getTime());
  for (const old of older.slice(ACTIVITIES_KEPT - 1)) tx.delete('autoScalingActivity', old.ActivityId);
  return record;
}

/** Marks an activity done: Successful (100 %) or Failed with AWS's status message. */
export function finishActivity(ctx: ControlContext, tx: Transaction, activityId: string | undefined, outcome: { failed?: string } = {}): void {
  const activity = activityId === undefined ? undefined : tx.get('autoScalingActivity', activityId);
  if (!activity || activity.StatusCode === 'Successful' || activity.StatusCode === 'Failed') return;
  tx.put('autoScalingActivity', activity.ActivityId, {
    ...activity,
    StatusCode: outcome.failed ? 'Failed' : 'Successful',
    ...(outcome.failed && { StatusMessage: outcome.failed }),
    Progress: 100,
    EndTime: ctx.clock.now(),
  });
}

/**
 * A page of a Describe* answer: at most MaxRecords (default `pageSize`, up to 100) after NextToken, in a
 * stable order by `key`. ECS's paginator, with Auto Scaling's errors.
 */
export function pageOf<T>(items: Iterable<T>, key: (item: T) => string, input: { MaxRecords?: number; NextToken?: string }, pageSize = 50): { items: T[]; NextToken?: string } {
  const size = input.MaxRecords ?? pageSize;
  if (!Number.isInteger(size) || size < 1 || size > 100) throw new ValidationError(`MaxRecords must be between 1 and 100.`);
  try {
    const page = paginate(items, key, { maxResults: size, nextToken: input.NextToken });
    return { items: page.items, ...(page.nextToken && { NextToken: page.nextToken }) };
  } catch (err) {
    if (err instanceof InvalidParameterException) throw new InvalidNextToken('The token provided is not valid.');
    throw err;
  }
}

/** An activity's Details as AWS writes them: the instance's subnet and zone, as JSON. */
export function activityDetails(ctx: ControlContext, instanceId: string): string {
  const instance = ctx.state.get('instance', instanceId);
  return JSON.stringify({ 'Subnet ID': instance?.SubnetId, 'Availability Zone': instance?.Placement.AvailabilityZone });
}
