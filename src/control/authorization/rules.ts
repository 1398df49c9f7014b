// What a service adds to the generic rule: values the reference cannot know (a task definition's latest
// revision, ECS's `default` cluster), its own condition keys, further actions an operation implies
// (iam:PassRole for a role it names), the operations AWS does not authorise by policy, and where its
// resources' tags are. Each service's rules are data plus small functions over state; a service without
// rules is authorised by the generic rule alone.
import type { Kind } from '../../core/records.js';
import type { ConditionContext } from '../../core/policy/types.js';
import type { ControlContext } from '../context.js';
import type { ActionSpec } from './catalogue.js';
import type { Resource, Variables } from './resources.js';

/** One further action an operation implies, on one resource (iam:PassRole on the role it names). */
export interface ImpliedAction {
  action: string;
  resource: string;
  context: ConditionContext;
}

export interface ServiceRules {
  /**
   * Operations no policy governs: AWS answers them for any authenticated caller (sts:GetCallerIdentity), or
   * the operation authorises itself (sts:AssumeRole evaluates the role's trust policy with the caller's).
   */
  unauthorized?: readonly string[];
  /** Record kinds stored by ARN (or, for EC2, by the ARN's last segment) whose `tags`/`Tags` are aws:ResourceTag/*. */
  taggedKinds?: readonly Kind[];
  /** Template variables the input does not carry as such: resolved names, and the service's defaults. */
  variables?(ctx: ControlContext, operation: string, input: any): Variables;
  /** The service's condition keys for one resource of the call. */
  conditionKeys?(ctx: ControlContext, spec: ActionSpec | undefined, resource: Resource, input: any): ConditionContext;
  /** Further actions the call implies. */
  implied?(ctx: ControlContext, operation: string, input: any): ImpliedAction[];
  /**
   * For a service whose operations are not its actions (S3: HeadObject is s3:GetObject, ListObjectsV2 is
   * s3:ListBucket, each on an ARN the input names by parts): the action and the resources, instead of the
   * generic rule's; undefined leaves the call to it.
   */
  actionOf?(ctx: ControlContext, operation: string, input: any): { action: string; resources: string[] } | undefined;
  /** The resource-based policy (JSON text) of a resource, when the service has them (S3's bucket policies). */
  resourcePolicy?(ctx: ControlContext, arn: string): string | undefined;
}
