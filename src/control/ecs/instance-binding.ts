// Which container instance an agent's identity may speak for. An agent signing with its instance profile's
// session (CallerSession.instanceId) is bound to the container instances registered under that EC2
// instance id, as ECS binds an agent to the instance whose role credentials it holds: it may register,
// connect and report only for its own. Root and IAM users are not bound (their policies alone decide).
import type { CallContext } from '../../core/caller.js';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import { AccessDeniedException } from '../../core/errors.js';

/** The EC2 instance id the caller's credentials belong to; undefined for callers that are no instance. */
export const callerInstanceId = (call: CallContext | undefined): string | undefined => call?.caller.session?.instanceId;

/** Whether `call` may act for `instance` (none: a task not placed yet): any caller that is no instance, or the instance's own session. */
export function speaksFor(call: CallContext | undefined, instance: Pick<ContainerInstanceRecord, 'ec2InstanceId'> | undefined): boolean {
  const own = callerInstanceId(call);
  return own === undefined || own === instance?.ec2InstanceId;
}

/** Refuses, as AWS words a denial, an instance session acting on a resource of another instance. */
export function notOwnInstance(call: CallContext, action: string, resource: string): InstanceType<typeof AccessDeniedException> {
  return new AccessDeniedException(
    `User: ${call.caller.arn} is not authorized to perform: ${action} on resource: ${resource} ` +
      `because it belongs to another instance than ${callerInstanceId(call)}`,
  );
}
