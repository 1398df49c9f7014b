// Amazon Resource Names, as ECS writes them (the long ARN format, with the cluster name in task and
// container-instance ARNs).

export interface Partition {
  region: string;
  accountId: string;
}

export const arn = (p: Partition, service: string, resource: string): string =>
  `arn:aws:${service}:${p.region}:${p.accountId}:${resource}`;

export const clusterArn = (p: Partition, name: string) => arn(p, 'ecs', `cluster/${name}`);
export const taskArn = (p: Partition, cluster: string, id: string) => arn(p, 'ecs', `task/${cluster}/${id}`);
export const containerArn = (p: Partition, cluster: string, id: string) =>
  arn(p, 'ecs', `container/${cluster}/${id}`);
export const containerInstanceArn = (p: Partition, cluster: string, id: string) =>
  arn(p, 'ecs', `container-instance/${cluster}/${id}`);
export const taskDefinitionArn = (p: Partition, family: string, revision: number) =>
  arn(p, 'ecs', `task-definition/${family}:${revision}`);
export const serviceArn = (p: Partition, cluster: string, name: string) => arn(p, 'ecs', `service/${cluster}/${name}`);
export const serviceDeploymentArn = (p: Partition, cluster: string, service: string, id: string) =>
  arn(p, 'ecs', `service-deployment/${cluster}/${service}/${id}`);
/** Task set ids are `ecs-svc/` and 19 digits, as deployment ids. */
export const taskSetArn = (p: Partition, cluster: string, service: string, id: string) => arn(p, 'ecs', `task-set/${cluster}/${service}/${id}`);
export const serviceRevisionArn = (p: Partition, cluster: string, service: string, id: string) =>
  arn(p, 'ecs', `service-revision/${cluster}/${service}/${id}`);

/** The task group ECS gives a service's tasks. */
export const serviceGroup = (serviceName: string) => `service:${serviceName}`;

/** The ARN of the service a task belongs to (its group is `service:<name>`), from the task's cluster ARN. */
export function serviceArnOfTask(task: { clusterArn: string; group?: string }): string | undefined {
  if (!task.group?.startsWith('service:')) return undefined;
  return `${task.clusterArn.replace(':cluster/', ':service/')}/${task.group.slice('service:'.length)}`;
}

export interface ParsedArn {
  service: string;
  region: string;
  accountId: string;
  /** Everything after the account id, e.g. `task/default/0123…`. */
  resource: string;
}

export function parseArn(value: string): ParsedArn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { service: parts[2]!, region: parts[3]!, accountId: parts[4]!, resource: parts.slice(5).join(':') };
}

/** The last path segment of an ARN's resource (an id or a name), or the value itself when not an ARN. */
export function lastSegment(value: string): string {
  const parsed = parseArn(value);
  return parsed ? parsed.resource.split('/').at(-1)! : value;
}
