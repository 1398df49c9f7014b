// StartInstances, StopInstances and TerminateInstances: the states asked for (instances.ts), answered with
// each instance's previous and current state.
import type {
  StartInstancesRequest,
  StartInstancesResult,
  StopInstancesRequest,
  StopInstancesResult,
  TerminateInstancesRequest,
  TerminateInstancesResult,
} from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { startInstances, stopInstances, terminateInstances } from './instances.js';

export const startInstancesOperation = async (ctx: ControlContext, input: StartInstancesRequest): Promise<StartInstancesResult> => ({
  StartingInstances: await startInstances(ctx, input.InstanceIds ?? []),
});

export const stopInstancesOperation = async (ctx: ControlContext, input: StopInstancesRequest): Promise<StopInstancesResult> => ({
  StoppingInstances: await stopInstances(ctx, input.InstanceIds ?? []),
});

export const terminateInstancesOperation = async (ctx: ControlContext, input: TerminateInstancesRequest): Promise<TerminateInstancesResult> => ({
  TerminatingInstances: await terminateInstances(ctx, input.InstanceIds ?? []),
});
