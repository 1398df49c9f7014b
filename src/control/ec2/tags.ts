// Tag changes on any EC2 resource Wharf keeps, shared by CreateTags and DeleteTags: each id is read by its
// prefix (resources.ts), a security group rule's tags live in its group's record. Every id must exist, or
// nothing changes.
import type { Ec2Tag } from '../../core/ec2.js';
import { InvalidSecurityGroupRuleIdNotFound } from '../../core/ec2-errors.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { RecordKinds } from '../../core/records.js';
import type { ControlContext } from '../context.js';
import { findRuleGroup, resourceOf, tagsOf } from './resources.js';
import { withRules } from './security-group-rules.js';

/** EC2's limit of tags on one resource. */
const MAX_TAGS = 50;

export async function changeTags(ctx: ControlContext, resourceIds: readonly string[], change: (tags: Ec2Tag[]) => Ec2Tag[]): Promise<void> {
  await ctx.state.mutate((tx) => {
    for (const id of resourceIds) {
      const next = (tags: Ec2Tag[]) => {
        const changed = change(tags);
        if (changed.length > MAX_TAGS) throw new InvalidParameterValue(`The maximum number of tags (${MAX_TAGS}) on resource ${id} would be exceeded.`);
        return changed;
      };
      if (id.startsWith('sgr-')) {
        const group = findRuleGroup(ctx.state, tx, id);
        if (!group) throw new InvalidSecurityGroupRuleIdNotFound(`The security group rule ID '${id}' does not exist`);
        tx.put('securityGroup', group.GroupId, withRules(group, group.rules.map((r) => (r.SecurityGroupRuleId === id ? { ...r, Tags: next(r.Tags) } : r))));
        continue;
      }
      const resource = resourceOf(id);
      const record = tx.get(resource.kind, id);
      if (!record) throw resource.notFound(id);
      tx.put(resource.kind, id, { ...record, [resource.tagsField]: next(tagsOf(record, resource.tagsField)) } as RecordKinds[typeof resource.kind]);
    }
  });
}
