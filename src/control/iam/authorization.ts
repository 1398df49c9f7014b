// IAM's additions to the generic rule. IAM ARNs carry the entity's path
// (`user/${UserNameWithPath}`), which the input's bare name does not: it comes from the entity's record
// (or, for Create*, the input's `Path`).
import type { Kind } from '../../core/records.js';
import type { ConditionContext } from '../../core/policy/types.js';
import type { Variables } from '../authorization/resources.js';
import type { ServiceRules } from '../authorization/rules.js';

// Template variable, the input member naming the entity, and the kind its record is stored as (by name).
const ENTITIES: [variable: string, member: string, kind: Kind | undefined][] = [
  ['UserNameWithPath', 'UserName', 'iamUser'],
  ['RoleNameWithPath', 'RoleName', 'iamRole'],
  ['GroupNameWithPath', 'GroupName', 'iamGroup'],
  ['InstanceProfileNameWithPath', 'InstanceProfileName', 'iamInstanceProfile'],
  ['PolicyNameWithPath', 'PolicyName', undefined],
];

export const iamRules: ServiceRules = {
  taggedKinds: ['iamUser', 'iamRole', 'iamPolicy', 'iamInstanceProfile'],

  variables(ctx, _operation, input): Variables {
    const variables: Variables = {};
    for (const [variable, member, kind] of ENTITIES) {
      const name = input?.[member];
      if (typeof name !== 'string') continue;
      const record = kind ? (ctx.state.get(kind, name) as { Path?: string } | undefined) : undefined;
      variables[variable] = `${(record?.Path ?? input.Path ?? '/').slice(1)}${name}`;
    }
    return variables;
  },

  conditionKeys(_ctx, spec, _resource, input): ConditionContext {
    const keys: ConditionContext = {};
    if (spec?.conditionKeys.includes('iam:PolicyARN') && typeof input?.PolicyArn === 'string') keys['iam:PolicyARN'] = input.PolicyArn;
    if (spec?.conditionKeys.includes('iam:PermissionsBoundary') && typeof input?.PermissionsBoundary === 'string') {
      keys['iam:PermissionsBoundary'] = input.PermissionsBoundary;
    }
    return keys;
  },
};
