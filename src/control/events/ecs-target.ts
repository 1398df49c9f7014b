// An ECS target's invocation: RunTask as the target's role. EventBridge (or EventBridge Scheduler) assumes
// the role (it must exist and trust the invoking service's principal), and the role's policies must allow ecs:RunTask on the task definition
// and iam:PassRole on the task's own roles, decided by the same policy engine as every API call; then
// RunTask is called in-process, with the
// target's EcsParameters and, when the target shapes its input, that input's TaskOverride members.
import type { RunTaskRequest, TaskOverride } from '@aws-sdk/client-ecs';
import type { Caller } from '../../core/caller.js';
import { AwsError } from '../../core/errors.js';
import type { EventRuleRecord, EventTarget } from '../../core/events.js';
import { ecsOverrides } from '../../core/events-input.js';
import { withOverrides } from '../../core/task-overrides.js';
import { denialMessage, evaluate } from '../../core/policy/evaluate.js';
import type { AuthorizationRequest } from '../../core/policy/types.js';
import { Principals } from '../authorization/principals.js';
import type { ControlContext } from '../context.js';
import { resolveTaskDefinition } from '../ecs/lookups.js';
import { runTask } from '../ecs/run-task.js';
import { assumeRole } from '../sts/sessions.js';

/** Why an invocation failed: the dead-letter message's ERROR_CODE (as EventBridge names them) and message. */
export class InvocationError extends Error {
  constructor(
    readonly code: 'NO_PERMISSIONS' | 'SDK_CLIENT_ERROR' | 'RESOURCE_NOT_FOUND' | 'INTERNAL_ERROR' | 'UNSUPPORTED_TARGET',
    message: string,
  ) {
    super(message);
  }
}

/** Who invokes: the role session's name, the tasks' startedBy, and the service principal the role must trust. */
export interface EcsInvoker {
  sessionName: string;
  startedBy: string;
  servicePrincipal: 'events.amazonaws.com' | 'scheduler.amazonaws.com';
}

/** A rule invokes as EventBridge, its tasks started by `events-rule/<name>`. */
export const ruleInvoker = (rule: EventRuleRecord): EcsInvoker => ({ sessionName: rule.Name, startedBy: `events-rule/${rule.Name}`, servicePrincipal: 'events.amazonaws.com' });

export class EcsTargets {
  private readonly principals: Principals;

  constructor(private readonly ctx: ControlContext) {
    this.principals = new Principals(ctx.state);
  }

  /** Runs the target's tasks; throws InvocationError when EventBridge would record a failed invocation. */
  async invoke(invoker: EcsInvoker, target: EventTarget, input: string): Promise<string[]> {
    const ecs = target.EcsParameters!;
    const shaped = target.Input !== undefined || target.InputPath !== undefined || target.InputTransformer !== undefined;
    const overrides = shaped ? ecsOverrides(input) : undefined;
    this.permit(invoker, target.RoleArn!, ecs.TaskDefinitionArn, target.Arn, overrides as TaskOverride | undefined);
    const request: RunTaskRequest = {
      cluster: target.Arn,
      taskDefinition: ecs.TaskDefinitionArn,
      count: ecs.TaskCount ?? 1,
      startedBy: invoker.startedBy.slice(0, 128),
      ...(ecs.LaunchType && { launchType: ecs.LaunchType }),
      ...(ecs.CapacityProviderStrategy && { capacityProviderStrategy: ecs.CapacityProviderStrategy }),
      ...(ecs.PlatformVersion && { platformVersion: ecs.PlatformVersion }),
      ...(ecs.Group && { group: ecs.Group }),
      ...(ecs.PlacementConstraints && { placementConstraints: ecs.PlacementConstraints as RunTaskRequest['placementConstraints'] }),
      ...(ecs.PlacementStrategy && { placementStrategy: ecs.PlacementStrategy as RunTaskRequest['placementStrategy'] }),
      ...(ecs.NetworkConfiguration?.awsvpcConfiguration && {
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ecs.NetworkConfiguration.awsvpcConfiguration.Subnets,
            ...(ecs.NetworkConfiguration.awsvpcConfiguration.SecurityGroups && { securityGroups: ecs.NetworkConfiguration.awsvpcConfiguration.SecurityGroups }),
            ...(ecs.NetworkConfiguration.awsvpcConfiguration.AssignPublicIp && { assignPublicIp: ecs.NetworkConfiguration.awsvpcConfiguration.AssignPublicIp }),
          },
        },
      }),
      ...(ecs.Tags?.length && { tags: ecs.Tags.map((t) => ({ key: t.Key, value: t.Value })) }),
      ...(ecs.PropagateTags && { propagateTags: ecs.PropagateTags }),
      ...(ecs.EnableECSManagedTags !== undefined && { enableECSManagedTags: ecs.EnableECSManagedTags }),
      ...(ecs.EnableExecuteCommand !== undefined && { enableExecuteCommand: ecs.EnableExecuteCommand }),
      ...(ecs.ReferenceId !== undefined && { referenceId: ecs.ReferenceId }),
      ...(overrides && { overrides: overrides as RunTaskRequest['overrides'] }),
    };
    let result;
    try {
      result = await runTask(this.ctx, request);
    } catch (error) {
      if (error instanceof AwsError) throw new InvocationError(error.fault === 'client' ? 'SDK_CLIENT_ERROR' : 'INTERNAL_ERROR', `${error.code}: ${error.message}`);
      throw error;
    }
    const tasks = (result.tasks ?? []).map((t) => t.taskArn!);
    if (tasks.length === 0) {
      const failure = result.failures?.[0];
      throw new InvocationError('SDK_CLIENT_ERROR', `RunTask placed no task: ${failure?.reason ?? 'unknown'}${failure?.detail ? ` (${failure.detail})` : ''}`);
    }
    return tasks;
  }

  /**
   * The role exists, trusts the invoking service, allows ecs:RunTask on the task definition in the cluster, and
   * iam:PassRole to ECS for the roles the task would run with (its task and execution roles), as AWS
   * requires of an ECS target's role.
   */
  private permit(invoker: EcsInvoker, roleArn: string, taskDefinitionArn: string, clusterArn: string, overrides: TaskOverride | undefined): void {
    let session;
    try {
      session = assumeRole(this.ctx, { roleArn, sessionName: invoker.sessionName.slice(0, 64), servicePrincipal: invoker.servicePrincipal });
    } catch (error) {
      if (error instanceof AwsError && error.fault === 'client') throw new InvocationError('NO_PERMISSIONS', `${invoker.servicePrincipal} could not assume role ${roleArn}: ${error.message}`);
      throw error;
    }
    const caller: Caller = { accessKeyId: '', accountId: this.ctx.partition.accountId, arn: session.assumedRoleArn, type: 'assumed-role', identityArn: roleArn };
    const input = this.principals.evaluationInput(caller);
    const requests: AuthorizationRequest[] = [{ action: 'ecs:RunTask', resource: taskDefinitionArn, context: { 'ecs:cluster': clusterArn, 'aws:PrincipalArn': roleArn } }];
    // A task definition that is not there is RunTask's to refuse (ClientException), after the role's checks.
    let definition;
    try {
      definition = resolveTaskDefinition(this.ctx, taskDefinitionArn);
    } catch {
      definition = undefined;
    }
    if (definition) {
      const { taskRoleArn, executionRoleArn } = withOverrides(definition, overrides);
      for (const passed of [taskRoleArn, executionRoleArn]) {
        if (passed) requests.push({ action: 'iam:PassRole', resource: passed, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com', 'aws:PrincipalArn': roleArn } });
      }
    }
    for (const request of requests) {
      const result = evaluate(input, request);
      if (result.decision !== 'Allow') throw new InvocationError('NO_PERMISSIONS', denialMessage(caller.arn, request, result));
    }
  }
}
