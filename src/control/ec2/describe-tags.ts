import type { DescribeTagsRequest, DescribeTagsResult, TagDescription } from '@aws-sdk/client-ec2';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { EC2_RESOURCES, SECURITY_GROUP_RULE_TYPE, tagsOf } from './resources.js';

const FIELDS: FilterFields<TagDescription> = {
  key: (t) => t.Key,
  value: (t) => t.Value,
  'resource-id': (t) => t.ResourceId,
  'resource-type': (t) => t.ResourceType,
};

/** Every tag of every EC2 resource, one entry per resource and key. */
export async function describeTags(ctx: ControlContext, input: DescribeTagsRequest): Promise<DescribeTagsResult> {
  const all: TagDescription[] = [];
  for (const resource of Object.values(EC2_RESOURCES)) {
    for (const record of ctx.state.all(resource.kind)) {
      const id = (record as unknown as Record<string, string>)[resource.idField]!;
      for (const t of tagsOf(record, resource.tagsField)) all.push({ ResourceId: id, ResourceType: resource.type, Key: t.Key, Value: t.Value });
    }
  }
  for (const group of ctx.state.all('securityGroup')) {
    for (const rule of group.rules) {
      for (const t of rule.Tags) all.push({ ResourceId: rule.SecurityGroupRuleId, ResourceType: SECURITY_GROUP_RULE_TYPE, Key: t.Key, Value: t.Value });
    }
  }
  const { items, NextToken } = describe(all, (t) => `${t.ResourceId}\0${t.Key}`, input, FIELDS, () => new InvalidParameterValue(''));
  return { Tags: items, ...(NextToken !== undefined && { NextToken }) };
}
