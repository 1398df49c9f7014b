import type { GetServiceLinkedRoleDeletionStatusRequest, GetServiceLinkedRoleDeletionStatusResponse } from '@aws-sdk/client-iam';
import { InvalidInput } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { isDeletionTaskId } from './service-linked-roles.js';

/** Deletions finish before DeleteServiceLinkedRole answers (see there), so a task of ours has succeeded. */
export function getServiceLinkedRoleDeletionStatus(_ctx: ControlContext, input: GetServiceLinkedRoleDeletionStatusRequest): GetServiceLinkedRoleDeletionStatusResponse {
  if (!isDeletionTaskId(input.DeletionTaskId!)) throw new InvalidInput(`Invalid deletion task id: ${input.DeletionTaskId}`);
  return { Status: 'SUCCEEDED' };
}
