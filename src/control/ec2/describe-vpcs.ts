import type { DescribeVpcsRequest, DescribeVpcsResult } from '@aws-sdk/client-ec2';
import type { VpcRecord } from '../../core/ec2.js';
import { InvalidVpcIDNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';

const associations = (key: 'CidrBlock' | 'AssociationId') => (v: VpcRecord) => (v.CidrBlockAssociationSet ?? []).map((a) => a[key]);
const ipv6 = (key: 'Ipv6CidrBlock' | 'Ipv6Pool' | 'AssociationId') => (v: VpcRecord) => (v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a[key]);

/** The filters DescribeVpcs documents, and the older camelCase names EC2 still reads (Terraform sends `isDefault`). */
const FIELDS: FilterFields<VpcRecord> = {
  cidr: (v) => v.CidrBlock,
  cidrBlock: (v) => v.CidrBlock,
  'cidr-block-association.cidr-block': associations('CidrBlock'),
  'cidr-block-association.association-id': associations('AssociationId'),
  'cidr-block-association.state': (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlockState?.State),
  'dhcp-options-id': (v) => v.DhcpOptionsId,
  dhcpOptionsId: (v) => v.DhcpOptionsId,
  'ipv6-cidr-block-association.ipv6-cidr-block': ipv6('Ipv6CidrBlock'),
  'ipv6-cidr-block-association.ipv6-pool': ipv6('Ipv6Pool'),
  'ipv6-cidr-block-association.association-id': ipv6('AssociationId'),
  'ipv6-cidr-block-association.state': (v) => (v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlockState?.State),
  'is-default': (v) => v.IsDefault,
  isDefault: (v) => v.IsDefault,
  'owner-id': (v) => v.OwnerId,
  state: (v) => v.State,
  'vpc-id': (v) => v.VpcId,
  vpcId: (v) => v.VpcId,
};

export async function describeVpcs(ctx: ControlContext, input: DescribeVpcsRequest): Promise<DescribeVpcsResult> {
  const { items, NextToken } = describe(ctx.state.all('vpc'), (v) => v.VpcId, { ...input, ids: input.VpcIds }, FIELDS, (id) =>
    new InvalidVpcIDNotFound(`The vpc ID '${id}' does not exist`),
  );
  return { Vpcs: items, ...(NextToken !== undefined && { NextToken }) };
}
