// Service events as the ECS service scheduler words them (DescribeServices `events`): each starts with
// `(service <name>)`, names tasks and container instances by id, and ends with a period.
import type { Failure } from '@aws-sdk/client-ecs';

const TROUBLESHOOTING = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';
/** ECS lists at most this many tasks in one "has started"/"has stopped" event; more make more events. */
const TASKS_PER_EVENT = 10;

const id = (arn: string) => arn.split('/').at(-1)!;
const tasks = (arns: readonly string[]) => arns.map((a) => `(task ${id(a)})`).join(' ');

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const startedTasks = (service: string, taskArns: readonly string[]): string[] =>
  chunks(taskArns, TASKS_PER_EVENT).map((c) => `(service ${service}) has started ${c.length} tasks: ${tasks(c)}.`);

export const stoppedTasks = (service: string, taskArns: readonly string[]): string[] =>
  chunks(taskArns, TASKS_PER_EVENT).map((c) => `(service ${service}) has stopped ${c.length} running tasks: ${tasks(c)}.`);

export const steadyState = (service: string) => `(service ${service}) has reached a steady state.`;

export const deploymentCompleted = (service: string, deploymentId: string) =>
  `(service ${service}) (deployment ${deploymentId}) deployment completed.`;

export const deploymentFailed = (service: string, deploymentId: string) =>
  `(service ${service}) (deployment ${deploymentId}) deployment failed: tasks failed to start.`;

export const deploymentAlarmed = (service: string, deploymentId: string, alarms: readonly string[]) =>
  `(service ${service}) (deployment ${deploymentId}) deployment failed: alarm(s) ${alarms.join(', ')} in ALARM.`;

/** Wharf invokes no Lambda: a lifecycle hook's stage passes without it, and the service says so. */
export const hookNotRun = (service: string, deploymentId: string, stage: string, target: string) =>
  `(service ${service}) (deployment ${deploymentId}) lifecycle hook ${target} at ${stage} was not invoked: Wharf does not run Lambda functions.`;

export const rollingBack = (service: string, deploymentId: string) => `(service ${service}) rolling back to deployment ${deploymentId}.`;

export const failedHealthChecks = (service: string, taskArn: string) =>
  `(service ${service}) (task ${id(taskArn)}) failed container health checks.`;

export const startImpaired = (service: string) => `(service ${service}) is unable to consistently start tasks successfully. ${TROUBLESHOOTING}`;

export const instanceLost = (service: string, containerInstanceArn: string) =>
  `(service ${service}) (container-instance ${id(containerInstanceArn)}) lost its agent: its tasks are being replaced.`;

/** What ECS says of the instance that came closest when none can take a task, by placement failure reason. */
const CLOSEST: Record<string, string> = {
  'RESOURCE:CPU': 'has insufficient CPU units available',
  'RESOURCE:MEMORY': 'has insufficient memory available',
  'RESOURCE:PORTS': 'is already using a port required by your task',
  'RESOURCE:PORTS_UDP': 'is already using a port required by your task',
  ATTRIBUTE: 'is missing an attribute required by your task',
};

/**
 * "was unable to place a task because no container instance met all of its requirements", with the
 * closest instance's shortfall when one was considered, or the reason placement refused outright.
 */
export function unableToPlace(service: string, failures: readonly Failure[], refusal?: string): string {
  const head = `(service ${service}) was unable to place a task because no container instance met all of its requirements.`;
  if (refusal) return `${head} Reason: ${refusal} ${TROUBLESHOOTING}`;
  const closest = failures.find((f) => f.reason !== 'AGENT') ?? failures[0];
  if (!closest?.arn) return `${head} Reason: No Container Instances were found in your cluster. ${TROUBLESHOOTING}`;
  const why = CLOSEST[closest.reason ?? ''] ?? `encountered error "${closest.reason}"`;
  return `${head} The closest matching (container-instance ${id(closest.arn)}) ${why}. ${TROUBLESHOOTING}`;
}
