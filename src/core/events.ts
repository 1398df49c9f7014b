// EventBridge: event buses, rules (an event pattern and/or a schedule) with their targets, and the events
// themselves. Records are the buses and rules; events are not records: they pass through a region's bus
// queue (control/events/bus-queue.ts) to the rules that match them, as on AWS where a bus keeps nothing.
import { arn, type Partition } from './arn.js';

/** An event as EventBridge delivers it to a target (and as TestEventPattern reads it). */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** Seconds precision, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** An event put on a bus: the event, and the bus it was put on (its name, as in the rule records). */
export interface BusEvent {
  eventBusName: string;
  event: EventBridgeEvent;
}

export const DEFAULT_EVENT_BUS = 'default';

/** An event's `time` as EventBridge writes it: ISO 8601 to the second, in UTC. */
export const eventTime = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** EventBridge event ids are UUIDs. */
export const eventId = (hex: string): string => hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');

export const eventBusArn = (p: Partition, name: string) => arn(p, 'events', `event-bus/${name}`);
/** Rules on the default bus are `rule/<name>`; on a custom bus `rule/<bus>/<name>`. */
export const ruleArn = (p: Partition, busName: string, name: string) => arn(p, 'events', busName === DEFAULT_EVENT_BUS ? `rule/${name}` : `rule/${busName}/${name}`);

export type EventsTag = { Key: string; Value: string };

export interface EventBusRecord {
  Name: string;
  Arn: string;
  Description?: string;
  CreationTime: Date;
  LastModifiedTime: Date;
  tags: EventsTag[];
}

/** A target as PutTargets gave it (EventBridge's Target shape). */
export interface EventTarget {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  EcsParameters?: EcsParameters;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

export interface EcsParameters {
  TaskDefinitionArn: string;
  TaskCount?: number;
  LaunchType?: 'EC2' | 'FARGATE' | 'EXTERNAL';
  NetworkConfiguration?: { awsvpcConfiguration?: { Subnets: string[]; SecurityGroups?: string[]; AssignPublicIp?: 'ENABLED' | 'DISABLED' } };
  PlatformVersion?: string;
  Group?: string;
  CapacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  EnableECSManagedTags?: boolean;
  EnableExecuteCommand?: boolean;
  PlacementConstraints?: { type?: string; expression?: string }[];
  PlacementStrategy?: { type?: string; field?: string }[];
  PropagateTags?: 'TASK_DEFINITION';
  ReferenceId?: string;
  Tags?: EventsTag[];
}

/** The CloudWatch metrics EventBridge keeps per rule (AWS/Events); counted in memory until metrics are served. */
export interface RuleInvocations {
  Invocations: number;
  FailedInvocations: number;
  DeadLetterInvocations: number;
}

export interface EventRuleRecord {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
  Description?: string;
  RoleArn?: string;
  ManagedBy?: string;
  CreatedBy: string;
  /** When the rule was made or its schedule last changed: a rate() schedule counts from here. */
  scheduledFrom: Date;
  targets: EventTarget[];
  tags: EventsTag[];
}

/**
 * An event a target could not take within its retry policy, kept under the dead-letter queue the target
 * names (Wharf has no SQS yet) as the message EventBridge would send: the event as the target would have
 * received it, and the message attributes AWS sets on it.
 */
export interface EventDeadLetterRecord {
  queueArn: string;
  body: string;
  sentAt: Date;
  /** A rule's letters name it (RULE_ARN), EventBridge Scheduler's their schedule (SCHEDULE_ARN). */
  attributes: ({ RULE_ARN: string } | { SCHEDULE_ARN: string }) & { TARGET_ARN: string; ERROR_CODE: string; ERROR_MESSAGE: string; EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds'; RETRY_ATTEMPTS: number };
}

declare module './records.js' {
  interface RecordKinds {
    eventBus: EventBusRecord;
    eventRule: EventRuleRecord;
    eventDeadLetter: EventDeadLetterRecord;
  }
}
