import type { DescribeNetworkAclsRequest, DescribeNetworkAclsResult, NetworkAclAssociation } from '@aws-sdk/client-ec2';
import type { NetworkAclRecord } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { subnetsByVpc } from './indexes.js';
import { EC2_RESOURCES } from './resources.js';

type Described = NetworkAclRecord & { Associations: NetworkAclAssociation[] };

const entries = (key: (e: NonNullable<NetworkAclRecord['Entries']>[number]) => unknown) => (a: Described) =>
  (a.Entries ?? []).map((e) => (key(e) === undefined ? undefined : String(key(e))));

const FIELDS: FilterFields<Described> = {
  'association.association-id': (a) => a.Associations.map((x) => x.NetworkAclAssociationId),
  'association.network-acl-id': (a) => a.Associations.map((x) => x.NetworkAclId),
  'association.subnet-id': (a) => a.Associations.map((x) => x.SubnetId),
  default: (a) => a.IsDefault,
  'entry.cidr': entries((e) => e.CidrBlock),
  'entry.icmp.code': entries((e) => e.IcmpTypeCode?.Code),
  'entry.icmp.type': entries((e) => e.IcmpTypeCode?.Type),
  'entry.ipv6-cidr': entries((e) => e.Ipv6CidrBlock),
  'entry.port-range.from': entries((e) => e.PortRange?.From),
  'entry.port-range.to': entries((e) => e.PortRange?.To),
  'entry.protocol': entries((e) => e.Protocol),
  'entry.rule-action': entries((e) => e.RuleAction),
  'entry.egress': entries((e) => e.Egress),
  'entry.rule-number': entries((e) => e.RuleNumber),
  'network-acl-id': (a) => a.NetworkAclId,
  'owner-id': (a) => a.OwnerId,
  'vpc-id': (a) => a.VpcId,
};

/**
 * Each VPC's default ACL (Wharf keeps no others), associated with every subnet of its VPC; the association
 * ids are derived from the subnets', so they stay the same from call to call.
 */
export async function describeNetworkAcls(ctx: ControlContext, input: DescribeNetworkAclsRequest): Promise<DescribeNetworkAclsResult> {
  const acls = [...ctx.state.all('networkAcl')].map(
    (acl): Described => ({
      ...acl,
      Associations: ctx.state.where(subnetsByVpc, acl.VpcId).map((s) => ({
        NetworkAclAssociationId: `aclassoc-${s.SubnetId.slice('subnet-'.length)}`,
        NetworkAclId: acl.NetworkAclId,
        SubnetId: s.SubnetId,
      })),
    }),
  );
  const { items, NextToken } = describe(acls, (a) => a.NetworkAclId, { ...input, ids: input.NetworkAclIds }, FIELDS, EC2_RESOURCES.acl!.notFound);
  return { NetworkAcls: items, ...(NextToken !== undefined && { NextToken }) };
}
