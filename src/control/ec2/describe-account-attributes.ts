import type { AccountAttribute, DescribeAccountAttributesRequest, DescribeAccountAttributesResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { defaultVpc } from './lookups.js';

/** EC2's default quotas, as a new account has them. */
const QUOTAS = { 'max-instances': '20', 'vpc-max-security-groups-per-interface': '5', 'max-elastic-ips': '5', 'vpc-max-elastic-ips': '5' };

/** The account's platforms (VPC only), its default VPC in this region, and EC2's quotas; all of them when none is named. */
export async function describeAccountAttributes(ctx: ControlContext, input: DescribeAccountAttributesRequest): Promise<DescribeAccountAttributesResult> {
  const values: Record<string, string[]> = {
    'supported-platforms': ['VPC'],
    'default-vpc': [defaultVpc(ctx)?.VpcId ?? 'none'],
    ...Object.fromEntries(Object.entries(QUOTAS).map(([k, v]) => [k, [v]])),
  };
  const names = input.AttributeNames?.length ? input.AttributeNames : Object.keys(values);
  const attributes: AccountAttribute[] = names.map((name) => ({ AttributeName: name, AttributeValues: (values[name] ?? []).map((AttributeValue) => ({ AttributeValue })) }));
  return { AccountAttributes: attributes };
}
