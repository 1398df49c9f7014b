// AWS Identity and Access Management on the gateway (awsQuery, XML answers): users, groups, access keys,
// roles, managed and inline policies, instance profiles, service-linked roles, tags and the policy
// simulator. IAM is global: one set of entities for the account, whatever region a call is signed for.
import { addRoleToInstanceProfile } from '../control/iam/add-role-to-instance-profile.js';
import { addUserToGroup } from '../control/iam/add-user-to-group.js';
import * as attached from '../control/iam/attached-policies.js';
import { createAccessKey } from '../control/iam/create-access-key.js';
import { createGroup } from '../control/iam/create-group.js';
import { createInstanceProfile } from '../control/iam/create-instance-profile.js';
import { createPolicy } from '../control/iam/create-policy.js';
import { createPolicyVersion } from '../control/iam/create-policy-version.js';
import { createRole } from '../control/iam/create-role.js';
import { createServiceLinkedRole } from '../control/iam/create-service-linked-role.js';
import { createUser } from '../control/iam/create-user.js';
import { deleteAccessKey } from '../control/iam/delete-access-key.js';
import { deleteGroup } from '../control/iam/delete-group.js';
import { deleteInstanceProfile } from '../control/iam/delete-instance-profile.js';
import { deletePolicy } from '../control/iam/delete-policy.js';
import { deletePolicyVersion } from '../control/iam/delete-policy-version.js';
import { deleteRole } from '../control/iam/delete-role.js';
import { deleteServiceLinkedRole } from '../control/iam/delete-service-linked-role.js';
import { deleteUser } from '../control/iam/delete-user.js';
import { getAccessKeyLastUsed } from '../control/iam/get-access-key-last-used.js';
import { getAccountAuthorizationDetails } from '../control/iam/get-account-authorization-details.js';
import { getGroup } from '../control/iam/get-group.js';
import { getInstanceProfile } from '../control/iam/get-instance-profile.js';
import { getPolicy } from '../control/iam/get-policy.js';
import { getPolicyVersion } from '../control/iam/get-policy-version.js';
import { getRole } from '../control/iam/get-role.js';
import { getServiceLinkedRoleDeletionStatus } from '../control/iam/get-service-linked-role-deletion-status.js';
import { getUser } from '../control/iam/get-user.js';
import * as inline from '../control/iam/inline-policies.js';
import { listAccessKeys } from '../control/iam/list-access-keys.js';
import { listEntitiesForPolicy } from '../control/iam/list-entities-for-policy.js';
import { listGroups } from '../control/iam/list-groups.js';
import { listGroupsForUser } from '../control/iam/list-groups-for-user.js';
import { listInstanceProfiles } from '../control/iam/list-instance-profiles.js';
import { listInstanceProfilesForRole } from '../control/iam/list-instance-profiles-for-role.js';
import { listPolicies } from '../control/iam/list-policies.js';
import { listPolicyVersions } from '../control/iam/list-policy-versions.js';
import { listRoles } from '../control/iam/list-roles.js';
import { listUsers } from '../control/iam/list-users.js';
import * as boundaries from '../control/iam/permissions-boundaries.js';
import { removeRoleFromInstanceProfile } from '../control/iam/remove-role-from-instance-profile.js';
import { removeUserFromGroup } from '../control/iam/remove-user-from-group.js';
import { setDefaultPolicyVersion } from '../control/iam/set-default-policy-version.js';
import { simulateCustomPolicy } from '../control/iam/simulate-custom-policy.js';
import { simulatePrincipalPolicy } from '../control/iam/simulate-principal-policy.js';
import * as tags from '../control/iam/tags.js';
import { updateAccessKey } from '../control/iam/update-access-key.js';
import { updateAssumeRolePolicy } from '../control/iam/update-assume-role-policy.js';
import { updateGroup } from '../control/iam/update-group.js';
import { updateRole } from '../control/iam/update-role.js';
import { updateRoleDescription } from '../control/iam/update-role-description.js';
import { updateUser } from '../control/iam/update-user.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';
import { iamRules } from '../control/iam/authorization.js';

export const iam: ServiceModule = {
  global: { kinds: ['iamUser', 'iamGroup', 'iamRole', 'iamPolicy', 'iamAccessKey', 'iamInstanceProfile'] },
  binding: (ctx) => ({
    model: loadModel('iam'),
    handlers: {
      CreateUser: (input) => createUser(ctx, input),
      GetUser: (input, call) => getUser(ctx, input, call),
      UpdateUser: (input) => updateUser(ctx, input),
      DeleteUser: (input) => deleteUser(ctx, input),
      ListUsers: (input) => listUsers(ctx, input),
      CreateGroup: (input) => createGroup(ctx, input),
      GetGroup: (input) => getGroup(ctx, input),
      UpdateGroup: (input) => updateGroup(ctx, input),
      DeleteGroup: (input) => deleteGroup(ctx, input),
      ListGroups: (input) => listGroups(ctx, input),
      AddUserToGroup: (input) => addUserToGroup(ctx, input),
      RemoveUserFromGroup: (input) => removeUserFromGroup(ctx, input),
      ListGroupsForUser: (input) => listGroupsForUser(ctx, input),
      CreateAccessKey: (input, call) => createAccessKey(ctx, input, call),
      UpdateAccessKey: (input, call) => updateAccessKey(ctx, input, call),
      DeleteAccessKey: (input, call) => deleteAccessKey(ctx, input, call),
      ListAccessKeys: (input, call) => listAccessKeys(ctx, input, call),
      GetAccessKeyLastUsed: (input) => getAccessKeyLastUsed(ctx, input),
      CreateRole: (input) => createRole(ctx, input),
      GetRole: (input) => getRole(ctx, input),
      UpdateRole: (input) => updateRole(ctx, input),
      UpdateRoleDescription: (input) => updateRoleDescription(ctx, input),
      UpdateAssumeRolePolicy: (input) => updateAssumeRolePolicy(ctx, input),
      DeleteRole: (input) => deleteRole(ctx, input),
      ListRoles: (input) => listRoles(ctx, input),
      CreatePolicy: (input) => createPolicy(ctx, input),
      GetPolicy: (input) => getPolicy(ctx, input),
      DeletePolicy: (input) => deletePolicy(ctx, input),
      ListPolicies: (input) => listPolicies(ctx, input),
      CreatePolicyVersion: (input) => createPolicyVersion(ctx, input),
      GetPolicyVersion: (input) => getPolicyVersion(ctx, input),
      DeletePolicyVersion: (input) => deletePolicyVersion(ctx, input),
      ListPolicyVersions: (input) => listPolicyVersions(ctx, input),
      SetDefaultPolicyVersion: (input) => setDefaultPolicyVersion(ctx, input),
      ListEntitiesForPolicy: (input) => listEntitiesForPolicy(ctx, input),
      PutUserPolicy: (input) => inline.putUserPolicy(ctx, input),
      PutGroupPolicy: (input) => inline.putGroupPolicy(ctx, input),
      PutRolePolicy: (input) => inline.putRolePolicy(ctx, input),
      GetUserPolicy: (input) => inline.getUserPolicy(ctx, input),
      GetGroupPolicy: (input) => inline.getGroupPolicy(ctx, input),
      GetRolePolicy: (input) => inline.getRolePolicy(ctx, input),
      DeleteUserPolicy: (input) => inline.deleteUserPolicy(ctx, input),
      DeleteGroupPolicy: (input) => inline.deleteGroupPolicy(ctx, input),
      DeleteRolePolicy: (input) => inline.deleteRolePolicy(ctx, input),
      ListUserPolicies: (input) => inline.listUserPolicies(ctx, input),
      ListGroupPolicies: (input) => inline.listGroupPolicies(ctx, input),
      ListRolePolicies: (input) => inline.listRolePolicies(ctx, input),
      AttachUserPolicy: (input) => attached.attachUserPolicy(ctx, input),
      AttachGroupPolicy: (input) => attached.attachGroupPolicy(ctx, input),
      AttachRolePolicy: (input) => attached.attachRolePolicy(ctx, input),
      DetachUserPolicy: (input) => attached.detachUserPolicy(ctx, input),
      DetachGroupPolicy: (input) => attached.detachGroupPolicy(ctx, input),
      DetachRolePolicy: (input) => attached.detachRolePolicy(ctx, input),
      ListAttachedUserPolicies: (input) => attached.listAttachedUserPolicies(ctx, input),
      ListAttachedGroupPolicies: (input) => attached.listAttachedGroupPolicies(ctx, input),
      ListAttachedRolePolicies: (input) => attached.listAttachedRolePolicies(ctx, input),
      PutUserPermissionsBoundary: (input) => boundaries.putUserPermissionsBoundary(ctx, input),
      PutRolePermissionsBoundary: (input) => boundaries.putRolePermissionsBoundary(ctx, input),
      DeleteUserPermissionsBoundary: (input) => boundaries.deleteUserPermissionsBoundary(ctx, input),
      DeleteRolePermissionsBoundary: (input) => boundaries.deleteRolePermissionsBoundary(ctx, input),
      CreateInstanceProfile: (input) => createInstanceProfile(ctx, input),
      GetInstanceProfile: (input) => getInstanceProfile(ctx, input),
      DeleteInstanceProfile: (input) => deleteInstanceProfile(ctx, input),
      ListInstanceProfiles: (input) => listInstanceProfiles(ctx, input),
      AddRoleToInstanceProfile: (input) => addRoleToInstanceProfile(ctx, input),
      RemoveRoleFromInstanceProfile: (input) => removeRoleFromInstanceProfile(ctx, input),
      ListInstanceProfilesForRole: (input) => listInstanceProfilesForRole(ctx, input),
      CreateServiceLinkedRole: (input) => createServiceLinkedRole(ctx, input),
      DeleteServiceLinkedRole: (input) => deleteServiceLinkedRole(ctx, input),
      GetServiceLinkedRoleDeletionStatus: (input) => getServiceLinkedRoleDeletionStatus(ctx, input),
      TagUser: (input) => tags.tagUser(ctx, input),
      UntagUser: (input) => tags.untagUser(ctx, input),
      ListUserTags: (input) => tags.listUserTags(ctx, input),
      TagRole: (input) => tags.tagRole(ctx, input),
      UntagRole: (input) => tags.untagRole(ctx, input),
      ListRoleTags: (input) => tags.listRoleTags(ctx, input),
      TagPolicy: (input) => tags.tagPolicy(ctx, input),
      UntagPolicy: (input) => tags.untagPolicy(ctx, input),
      ListPolicyTags: (input) => tags.listPolicyTags(ctx, input),
      TagInstanceProfile: (input) => tags.tagInstanceProfile(ctx, input),
      UntagInstanceProfile: (input) => tags.untagInstanceProfile(ctx, input),
      ListInstanceProfileTags: (input) => tags.listInstanceProfileTags(ctx, input),
      GetAccountAuthorizationDetails: (input) => getAccountAuthorizationDetails(ctx, input),
      SimulatePrincipalPolicy: (input) => simulatePrincipalPolicy(ctx, input),
      SimulateCustomPolicy: (input) => simulateCustomPolicy(ctx, input),
    },
  }),
  authorization: iamRules,
};
