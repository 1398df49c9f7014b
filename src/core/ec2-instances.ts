// EC2 instances as Wharf keeps them: EC2's Instance shape (types from AWS's model in @aws-sdk/client-ec2),
// with Wharf's own members (the user data, the launch template, the spot flag, when it ran) that never reach
// the wire. Each running instance is a real agent host (docs/ec2-instances.md); its state machine is EC2's:
// pending -> running -> stopping -> stopped -> pending ..., and shutting-down -> terminated from any live state.
import type { _InstanceType as InstanceType, Instance, ResponseLaunchTemplateData, Tag } from '@aws-sdk/client-ec2';
import type { InstanceJoinDocument } from './instance-join.js';
import { InvalidParameterCombination } from './ec2-errors.js';
import { InvalidParameterValue } from './errors.js';
import { billedSeconds } from './usage.js';

/** EC2's state codes (the low byte of InstanceState.Code). */
export const INSTANCE_STATE_CODES = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 } as const;
export type InstanceStateName = keyof typeof INSTANCE_STATE_CODES;

export const instanceState = (name: InstanceStateName) => ({ Code: INSTANCE_STATE_CODES[name], Name: name });

export interface InstanceRecord extends Instance {
  InstanceId: string;
  ImageId: string;
  InstanceType: InstanceType;
  State: { Code: number; Name: InstanceStateName };
  LaunchTime: Date;
  Placement: { AvailabilityZone: string; Tenancy: 'default'; GroupName: '' };
  SubnetId: string;
  VpcId: string;
  PrivateIpAddress: string;
  PrivateDnsName: string;
  AmiLaunchIndex: number;
  StateTransitionReason: string;
  Tags: Tag[];
  /** The reservation RunInstances made it in (DescribeInstances groups by it; not an Instance member). */
  reservationId: string;
  /** The user data, base64 as RunInstances takes it (not an Instance member: DescribeInstanceAttribute reads it). */
  userData?: string;
  /** The launch template and version it was launched from (EC2 shows them as aws:ec2launchtemplate:* tags too). */
  launchTemplate?: { id: string; version: string };
  /** A Spot instance (InstanceLifecycle `spot` on the wire). */
  spot: boolean;
  /** The interruption notice EC2 gave this Spot instance, if it did (IMDS spot/instance-action). */
  spotInterruption?: SpotInterruptionNotice;
  /** What EC2 does to this Spot instance at the end of a notice, when not terminate (its InstanceInterruptionBehavior). */
  spotInterruptionBehavior?: 'stop' | 'hibernate';
  /** Since when it has been running, while it runs: what it is billed from (core/ec2-usage). */
  runningSince?: Date;
  /** When it was terminated: DescribeInstances shows it for about an hour after (control/ec2/instance-retention). */
  terminatedAt?: Date;
  /** ModifyInstanceAttribute's settings Wharf honours (DisableApiTermination, DisableApiStop). */
  disableApiTermination?: boolean;
  disableApiStop?: boolean;
}

/** EC2's two-minute warning: the action it takes on a Spot instance and when (spot/instance-action's JSON). */
export interface SpotInterruptionNotice {
  action: SpotInterruptionBehavior;
  time: Date;
}

export type SpotInterruptionBehavior = 'terminate' | 'stop' | 'hibernate';

/**
 * A Spot instance's interruption behaviour as EC2 settles it: hibernate when hibernation is configured (any
 * other asked for is refused), else what SpotOptions asks, terminate by default; stop and hibernate only for a
 * persistent request, and a persistent request only with them.
 */
export function spotInterruptionBehavior(options: { InstanceInterruptionBehavior?: string; SpotInstanceType?: string } | undefined, hibernationConfigured: boolean | undefined): SpotInterruptionBehavior {
  const asked = options?.InstanceInterruptionBehavior;
  if (asked !== undefined && !['terminate', 'stop', 'hibernate'].includes(asked)) throw new InvalidParameterValue(`Value (${asked}) for parameter instanceInterruptionBehavior is invalid.`);
  if (hibernationConfigured && asked !== undefined && asked !== 'hibernate')
    throw new InvalidParameterCombination('The instance interruption behavior must be hibernate when hibernation is configured.');
  const behavior = (hibernationConfigured ? 'hibernate' : (asked ?? 'terminate')) as SpotInterruptionBehavior;
  const persistent = options?.SpotInstanceType === 'persistent';
  if (persistent && behavior === 'terminate') throw new InvalidParameterCombination('Persistent Spot Instance requests are only supported when the instance interruption behavior is either hibernate or stop.');
  if (!persistent && behavior !== 'terminate') throw new InvalidParameterCombination(`The instance interruption behavior ${behavior} is only supported for persistent Spot Instance requests.`);
  return behavior;
}

/** How long EC2's Spot interruption notice lasts before it acts. */
export const SPOT_NOTICE_MS = 120_000;

/** Why EC2 terminated an interrupted Spot instance (its StateReason). */
export const SPOT_TERMINATION_REASON = { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' } as const;
/** Why EC2 stopped (or hibernated) an interrupted Spot instance. */
export const SPOT_SHUTDOWN_REASON = { Code: 'Server.SpotInstanceShutdown', Message: 'Server.SpotInstanceShutdown: Spot instance shutdown' } as const;

/** Whether EC2 may interrupt this instance now: a running Spot instance not yet given a notice. */
export const isInterruptibleSpot = (i: Pick<InstanceRecord, 'spot' | 'State' | 'spotInterruption'>) => i.spot && i.State.Name === 'running' && !i.spotInterruption;

/**
 * The metadata service's answers for a notice: spot/instance-action's JSON and spot/termination-time, the
 * time to the second as EC2 writes it (both 404 before any notice).
 */
export function spotMetadata(notice: SpotInterruptionNotice): { instanceAction: string; terminationTime: string } {
  const time = new Date(notice.time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { instanceAction: JSON.stringify({ action: notice.action, time }), terminationTime: time };
}

/** EC2's instance ids: `i-` and 17 hex digits. */
export const instanceId = (hex: string) => `i-${hex.slice(-17)}`;
/** Reservation ids: `r-` and 17 hex digits. */
export const reservationId = (hex: string) => `r-${hex.slice(-17)}`;

/** Whether an instance in this state is a live host (its agent should run). */
export const isRunning = (i: Pick<InstanceRecord, 'State'>) => i.State.Name === 'running';
/** Whether an instance is gone or going (terminated instances stay visible for a while). */
export const isTerminating = (i: Pick<InstanceRecord, 'State'>) => i.State.Name === 'shutting-down' || i.State.Name === 'terminated';

/**
 * The state a request moves an instance to, or the reason it cannot (EC2's IncorrectInstanceState):
 * stopping a stopped instance or starting a running one changes nothing.
 */
export function nextState(current: InstanceStateName, request: 'stop' | 'start' | 'terminate'): InstanceStateName | 'unchanged' | 'incorrect' {
  switch (request) {
    case 'terminate':
      return current === 'terminated' || current === 'shutting-down' ? 'unchanged' : 'shutting-down';
    case 'stop':
      if (current === 'stopped' || current === 'stopping') return 'unchanged';
      return current === 'running' || current === 'pending' ? 'stopping' : 'incorrect';
    case 'start':
      if (current === 'running' || current === 'pending') return 'unchanged';
      return current === 'stopped' ? 'pending' : 'incorrect';
  }
}

const gmt = (now: Date) => now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' GMT');
/** The reason EC2 gives for a state change it made on a user's request, as `StateTransitionReason`. */
export const userInitiated = (now: Date) => `User initiated (${gmt(now)})`;
/** The reason EC2 gives for a state change it made itself (a Spot interruption), as `StateTransitionReason`. */
export const serviceInitiated = (now: Date) => `Service initiated (${gmt(now)})`;

declare module './records.js' {
  interface RecordKinds {
    instance: InstanceRecord;
  }
}

/** A launch template: its versions kept in it, each with the data RunInstances launches from. */
export interface LaunchTemplateRecord {
  LaunchTemplateId: string;
  LaunchTemplateName: string;
  CreateTime: Date;
  CreatedBy: string;
  DefaultVersionNumber: number;
  LatestVersionNumber: number;
  Tags: Tag[];
  versions: LaunchTemplateVersionRecord[];
}

export interface LaunchTemplateVersionRecord {
  VersionNumber: number;
  VersionDescription?: string;
  CreateTime: Date;
  CreatedBy: string;
  LaunchTemplateData: ResponseLaunchTemplateData;
}

/** A key pair: EC2 keeps the public key only (CreateKeyPair hands the private key out once). */
export interface KeyPairRecord {
  KeyPairId: string;
  KeyName: string;
  KeyFingerprint: string;
  KeyType: 'rsa' | 'ed25519';
  PublicKey: string;
  CreateTime: Date;
  Tags: Tag[];
}

/**
 * What one run of an instance is billed for on AWS: from running to stopped or terminated, per second with a
 * one-minute minimum (Linux on-demand and Spot alike), whatever runs on it. Kept under `<instance id>@<start>`.
 */
export interface InstanceUsageRecord {
  instanceId: string;
  instanceType: string;
  spot: boolean;
  billingStartedAt: Date;
  billingStoppedAt: Date;
  billedSeconds: number;
  /** An instance still running, billed up to the report's time (never stored: the cost report makes these). */
  running?: boolean;
}

/** An instance's run from `runningSince` to `stop`, as EC2 bills it (per second, a minute at least). */
export function instanceRun(instance: Pick<InstanceRecord, 'InstanceId' | 'InstanceType' | 'spot'> & { runningSince: Date }, stop: Date): InstanceUsageRecord {
  return {
    instanceId: instance.InstanceId,
    instanceType: instance.InstanceType,
    spot: instance.spot,
    billingStartedAt: instance.runningSince,
    billingStoppedAt: stop,
    billedSeconds: billedSeconds(instance.runningSince, stop),
  };
}

declare module './records.js' {
  interface RecordKinds {
    instanceUsage: InstanceUsageRecord;
    launchTemplate: LaunchTemplateRecord;
    keyPair: KeyPairRecord;
  }
}

/** What a launcher needs to start an instance's host: who it is, what it has, and how it was configured. */
export interface InstanceHost {
  instanceId: string;
  region: string;
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  architecture: 'x86_64' | 'arm64';
  availabilityZone: string;
  privateIpAddress: string;
  /** The user data, decoded (UTF-8), if any. */
  userData?: string;
  /** The instance profile's first session (IMDS's iam/info and security-credentials), if it has a profile. */
  credentials?: InstanceJoinDocument;
  /** The profile's role (IMDS's iam/security-credentials/<role>). */
  roleName?: string;
  imageId: string;
  macAddress?: string;
  privateDnsName: string;
  spot: boolean;
}

/**
 * The port through which instances become hosts: by default a local `wharf agent` process per instance; an
 * operator's command can provision a real machine instead (docs/ec2-instances.md). Both are idempotent: the
 * controller may ask again after a restart.
 */
export interface InstanceLauncher {
  /** Starts the instance's host (its agent); resolves once it is started, before its agent registers. */
  start(host: InstanceHost): Promise<void>;
  /** Stops the instance's host (`stop` keeps its disk, `terminate` removes it); resolves once it is down. */
  stop(instanceId: string, how: 'stop' | 'terminate'): Promise<void>;
  /** Whether this launcher runs the instance's host now (after a restart, running instances are started again). */
  hosts(instanceId: string): boolean;
}
