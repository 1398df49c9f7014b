// ECS's additions to the generic rule (Service Authorization Reference, "Actions defined by Amazon Elastic
// Container Service", and "Amazon ECS task IAM role" / "task execution IAM role" for iam:PassRole):
// clusters default to `default`; a task definition named by family or family:revision is authorised on
// its full ARN (RegisterTaskDefinition on the revision it will create); `ecs:cluster`, `ecs:service`,
// `ecs:task-definition`, `ecs:container-instances` and `ecs:enable-execute-command` carry what the call
// names; naming a role (task role, execution role, service role) requires iam:PassRole on it.
import { clusterArn, parseArn, taskDefinitionArn } from '../../core/arn.js';
import type { ConditionContext } from '../../core/policy/types.js';
import type { ControlContext } from '../context.js';
import { variablesIn, type Variables } from '../authorization/resources.js';
import type { ImpliedAction, ServiceRules } from '../authorization/rules.js';
import { clusterArnOf, parseTaskDefinitionRef, resolveTaskDefinition } from './lookups.js';

const TASK_ROLE_PRINCIPAL = 'ecs-tasks.amazonaws.com';
const SERVICE_ROLE_PRINCIPAL = 'ecs.amazonaws.com';

export const ecsRules: ServiceRules = {
  taggedKinds: ['cluster', 'taskDefinition', 'task', 'containerInstance', 'service'],

  variables(ctx, operation, input): Variables {
    // Calls on several clusters (DescribeClusters `clusters`) name them all; the others name one, or `default`.
    const variables: Variables = { ClusterName: input?.clusters === undefined ? lastSegment(clusterArnOf(ctx, input?.cluster)) : undefined };
    const definition = operation === 'RegisterTaskDefinition' ? nextRevision(ctx, input.family) : taskDefinitionOf(ctx, input?.taskDefinition);
    if (definition) Object.assign(variables, definition);
    return variables;
  },

  conditionKeys(ctx, spec, resource, input): ConditionContext {
    const keys: ConditionContext = {};
    const supported = (key: string) => spec?.conditionKeys.includes(key) || resource.type?.conditionKeys.includes(key);
    if (supported('ecs:cluster')) {
      const named = resource.type && variablesIn(resource.type, resource.arn)?.ClusterName;
      keys['ecs:cluster'] = named ? clusterArn(partitionOf(ctx, resource.arn), named) : clusterArnOf(ctx, input?.cluster);
    }
    if (supported('ecs:service') && typeof input?.service === 'string') {
      keys['ecs:service'] = input.service.startsWith('arn:') ? input.service : `${keys['ecs:cluster']!.toString().replace(':cluster/', ':service/')}/${input.service}`;
    }
    if (supported('ecs:task-definition') && typeof input?.taskDefinition === 'string') {
      const family = taskDefinitionOf(ctx, input.taskDefinition);
      if (family) keys['ecs:task-definition'] = taskDefinitionArn(ctx.partition, family.TaskDefinitionFamilyName, Number(family.TaskDefinitionRevisionNumber));
    }
    if (supported('ecs:container-instances') && Array.isArray(input?.containerInstances)) keys['ecs:container-instances'] = input.containerInstances;
    if (supported('ecs:enable-execute-command') && input?.enableExecuteCommand !== undefined) keys['ecs:enable-execute-command'] = String(input.enableExecuteCommand);
    return keys;
  },

  implied(ctx, operation, input): ImpliedAction[] {
    switch (operation) {
      case 'RegisterTaskDefinition':
        return passRoles(ctx, [input.taskRoleArn, input.executionRoleArn], TASK_ROLE_PRINCIPAL);
      case 'RunTask':
      case 'StartTask': {
        const definition = findDefinition(ctx, input.taskDefinition);
        const overrides = input.overrides ?? {};
        return passRoles(ctx, [overrides.taskRoleArn ?? definition?.taskRoleArn, overrides.executionRoleArn ?? definition?.executionRoleArn], TASK_ROLE_PRINCIPAL);
      }
      case 'CreateService':
      case 'UpdateService': {
        const definition = input.taskDefinition === undefined ? undefined : findDefinition(ctx, input.taskDefinition);
        return [
          ...passRoles(ctx, [definition?.taskRoleArn, definition?.executionRoleArn], TASK_ROLE_PRINCIPAL),
          ...passRoles(ctx, [input.role], SERVICE_ROLE_PRINCIPAL),
        ];
      }
      default:
        return [];
    }
  },
};

/** iam:PassRole on each named role, with the service it is passed to. A bare role name is in the caller's account. */
function passRoles(ctx: ControlContext, roles: (string | undefined)[], service: string): ImpliedAction[] {
  return [...new Set(roles.filter((role): role is string => !!role))].map((role) => ({
    action: 'iam:PassRole',
    resource: role.startsWith('arn:') ? role : `arn:aws:iam::${ctx.partition.accountId}:role/${role}`,
    context: { 'iam:PassedToService': service },
  }));
}

function findDefinition(ctx: ControlContext, ref: unknown) {
  if (typeof ref !== 'string') return undefined;
  try {
    return resolveTaskDefinition(ctx, ref);
  } catch {
    // An unknown task definition is the operation's error to answer, after authorisation.
    return undefined;
  }
}

/** The family and revision a reference names: the latest ACTIVE revision for a bare family. */
function taskDefinitionOf(ctx: ControlContext, ref: unknown): { TaskDefinitionFamilyName: string; TaskDefinitionRevisionNumber: string } | undefined {
  if (typeof ref !== 'string') return undefined;
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) return undefined;
  const revision = parsed.revision ?? findDefinition(ctx, parsed.family)?.revision;
  // An unknown family is authorised on all its revisions, as the resource it would be.
  return { TaskDefinitionFamilyName: parsed.family, TaskDefinitionRevisionNumber: revision === undefined ? '*' : String(revision) };
}

/** The revision RegisterTaskDefinition will create: the family's next (revisions are never reused). */
function nextRevision(ctx: ControlContext, family: unknown) {
  if (typeof family !== 'string') return undefined;
  const latest = ctx.state.get('taskDefinitionFamily', family)?.latestRevision ?? 0;
  return { TaskDefinitionFamilyName: family, TaskDefinitionRevisionNumber: String(latest + 1) };
}

const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

function partitionOf(ctx: ControlContext, arn: string) {
  const parsed = parseArn(arn);
  return parsed ? { region: parsed.region, accountId: parsed.accountId } : ctx.partition;
}
