import type { DescribeVpcsRequest, DescribeVpcsResult } from '@aws-sdk/client-ec2';
import type { VpcRecord } from '../../core/ec2.js';
import { InvalidVpcIDNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';

const FIELDS: FilterFields<VpcRecord> = {
  'vpc-id': (v) => v.VpcId,
  'cidr': (v) => v.CidrBlock,
  'cidr-block-association.cidr-block': (v) => v.CidrBlock,
  'is-default': (v) => v.IsDefault,
  state: (v) => v.State,
  'owner-id': (v) => v.OwnerId,
  'dhcp-options-id': (v) => v.DhcpOptionsId,
};

export async function describeVpcs(ctx: ControlContext, input: DescribeVpcsRequest): Promise<DescribeVpcsResult> {
  const { items, NextToken } = describe(ctx.state.all('vpc'), (v) => v.VpcId, { ...input, ids: input.VpcIds }, FIELDS, (id) =>
    new InvalidVpcIDNotFound(`The vpc ID '${id}' does not exist`),
  );
  return { Vpcs: items, ...(NextToken !== undefined && { NextToken }) };
}
