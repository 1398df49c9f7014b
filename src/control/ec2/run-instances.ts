// RunInstances: EC2's request read into a launch (instances.ts), answered with the reservation.
import type { RunInstancesRequest, Reservation } from '@aws-sdk/client-ec2';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { tagsFor } from './describe.js';
import { launchInstances } from './instances.js';

export async function runInstances(ctx: ControlContext, input: RunInstancesRequest): Promise<Reservation> {
  if (input.MinCount === undefined) throw new MissingParameter('The request must contain the parameter MinCount');
  if (input.MaxCount === undefined) throw new MissingParameter('The request must contain the parameter MaxCount');
  if (input.MinCount < 1) throw new InvalidParameterValue(`Value (${input.MinCount}) for parameter minCount is invalid. Expected a positive integer.`);
  if (input.MaxCount < input.MinCount) throw new InvalidParameterValue(`Value (${input.MaxCount}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.`);
  const eni = input.NetworkInterfaces?.[0];
  const subnetId = input.SubnetId ?? eni?.SubnetId;
  const groupIds = input.SecurityGroupIds?.length ? input.SecurityGroupIds : eni?.Groups;
  // Wharf always has the capacity: it launches MaxCount, as EC2 does when it can.
  const instances = await launchInstances(ctx, {
    count: input.MaxCount,
    ...(input.InstanceType !== undefined && { instanceType: input.InstanceType }),
    ...(input.ImageId !== undefined && { imageId: input.ImageId }),
    ...(subnetId !== undefined && { subnetIds: [subnetId] }),
    ...(input.Placement?.AvailabilityZone && { availabilityZone: input.Placement.AvailabilityZone }),
    ...(groupIds?.length && { securityGroupIds: groupIds }),
    ...(input.UserData !== undefined && { userData: input.UserData }),
    ...(input.IamInstanceProfile && { iamInstanceProfile: input.IamInstanceProfile }),
    ...(input.KeyName !== undefined && { keyName: input.KeyName }),
    ...(input.LaunchTemplate && { launchTemplate: { id: input.LaunchTemplate.LaunchTemplateId, name: input.LaunchTemplate.LaunchTemplateName, version: input.LaunchTemplate.Version } }),
    tags: tagsFor('instance', input.TagSpecifications),
    ...(input.InstanceMarketOptions?.MarketType === 'spot' && { market: 'spot' as const }),
    ...(input.InstanceMarketOptions?.SpotOptions && { spotOptions: input.InstanceMarketOptions.SpotOptions }),
    ...(input.HibernationOptions?.Configured !== undefined && { hibernationConfigured: input.HibernationOptions.Configured }),
    ...(input.ClientToken !== undefined && { clientToken: input.ClientToken }),
    ...(input.DisableApiTermination !== undefined && { disableApiTermination: input.DisableApiTermination }),
  });
  return {
    ReservationId: instances[0]!.reservationId,
    OwnerId: ctx.partition.accountId,
    Groups: [],
    Instances: instances,
  };
}
