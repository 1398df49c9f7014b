// EC2's resources by id: which record kind an id names (by its prefix, as EC2 reads ids), the resource type
// EC2 gives it in TagSpecifications and DescribeTags, and its not-found error. CreateTags, DeleteTags and
// DescribeTags work on every kind listed here; security group rules live inside their group's record.
import type { ResourceType } from '@aws-sdk/client-ec2';
import type { Ec2Tag, SecurityGroupRecord } from '../../core/ec2.js';
import * as errors from '../../core/ec2-errors.js';
import * as instanceErrors from '../../core/ec2-instances-errors.js';
import type { AwsError } from '../../core/errors.js';
import type { Kind } from '../../core/records.js';
import type { Reader } from '../ecs/lookups.js';
import type { State } from '../state.js';

interface Ec2Resource {
  kind: Kind;
  /** EC2's resource type (TagSpecifications' ResourceType, DescribeTags' resource-type). */
  type: ResourceType;
  /** Where the record keeps its tags: network interfaces name them TagSet. */
  tagsField: 'Tags' | 'TagSet';
  /** The member holding the record's id. */
  idField: string;
  notFound: (id: string) => AwsError;
}

/** By id prefix (the part before the last `-`). */
export const EC2_RESOURCES: Record<string, Ec2Resource> = {
  vpc: { kind: 'vpc', type: 'vpc', tagsField: 'Tags', idField: 'VpcId', notFound: (id) => new errors.InvalidVpcIDNotFound(`The vpc ID '${id}' does not exist`) },
  subnet: { kind: 'subnet', type: 'subnet', tagsField: 'Tags', idField: 'SubnetId', notFound: (id) => new errors.InvalidSubnetIDNotFound(`The subnet ID '${id}' does not exist`) },
  sg: { kind: 'securityGroup', type: 'security-group', tagsField: 'Tags', idField: 'GroupId', notFound: (id) => new errors.InvalidGroupNotFound(`The security group '${id}' does not exist`) },
  eni: {
    kind: 'networkInterface',
    type: 'network-interface',
    tagsField: 'TagSet', idField: 'NetworkInterfaceId',
    notFound: (id) => new errors.InvalidNetworkInterfaceIDNotFound(`The networkInterface ID '${id}' does not exist`),
  },
  igw: {
    kind: 'internetGateway',
    type: 'internet-gateway',
    tagsField: 'Tags', idField: 'InternetGatewayId',
    notFound: (id) => new errors.InvalidInternetGatewayIDNotFound(`The internetGateway ID '${id}' does not exist`),
  },
  rtb: { kind: 'routeTable', type: 'route-table', tagsField: 'Tags', idField: 'RouteTableId', notFound: (id) => new errors.InvalidRouteTableIDNotFound(`The routeTable ID '${id}' does not exist`) },
  acl: { kind: 'networkAcl', type: 'network-acl', tagsField: 'Tags', idField: 'NetworkAclId', notFound: (id) => new errors.InvalidNetworkAclIDNotFound(`The networkAcl ID '${id}' does not exist`) },
  nat: { kind: 'natGateway', type: 'natgateway', tagsField: 'Tags', idField: 'NatGatewayId', notFound: (id) => new errors.NatGatewayNotFound(`The Nat Gateway ${id} was not found`) },
  eipalloc: {
    kind: 'elasticIp',
    type: 'elastic-ip',
    tagsField: 'Tags', idField: 'AllocationId',
    notFound: (id) => new errors.InvalidAllocationIDNotFound(`The allocation ID '${id}' does not exist`),
  },
  i: { kind: 'instance', type: 'instance', tagsField: 'Tags', idField: 'InstanceId', notFound: (id) => new instanceErrors.InvalidInstanceIDNotFound(`The instance ID '${id}' does not exist`) },
  lt: {
    kind: 'launchTemplate',
    type: 'launch-template',
    tagsField: 'Tags', idField: 'LaunchTemplateId',
    notFound: (id) => new instanceErrors.InvalidLaunchTemplateIdNotFound(`The specified launch template, with template ID ${id}, does not exist.`),
  },
  key: { kind: 'keyPair', type: 'key-pair', tagsField: 'Tags', idField: 'KeyPairId', notFound: (id) => new instanceErrors.InvalidKeyPairNotFound(`The key pair ID '${id}' does not exist`) },
  vpce: {
    kind: 'vpcEndpoint',
    type: 'vpc-endpoint',
    tagsField: 'Tags', idField: 'VpcEndpointId',
    notFound: (id) => new errors.InvalidVpcEndpointIdNotFound(`The Vpc Endpoint Id '${id}' does not exist`),
  },
};

export const SECURITY_GROUP_RULE_TYPE: ResourceType = 'security-group-rule';

const prefixOf = (id: string) => id.slice(0, Math.max(0, id.lastIndexOf('-')));

/** The resource an id names, or InvalidID when EC2 would not read it as an id of any kind Wharf keeps. */
export function resourceOf(id: string): Ec2Resource {
  const resource = EC2_RESOURCES[prefixOf(id)];
  if (!resource || !/^[a-z]+-[0-9a-f]{8,17}$/.test(id)) throw new errors.InvalidID(`The ID '${id}' is not valid`);
  return resource;
}

/** The group holding a security group rule (as `reader` sees it), or undefined. */
export function findRuleGroup(state: Pick<State, 'all'>, reader: Reader, ruleId: string): SecurityGroupRecord | undefined {
  for (const group of state.all('securityGroup')) {
    const current = reader.get('securityGroup', group.GroupId);
    if (current?.rules.some((r) => r.SecurityGroupRuleId === ruleId)) return current;
  }
  return undefined;
}

/** A record's tags, wherever its kind keeps them. */
export const tagsOf = (record: object, field: 'Tags' | 'TagSet'): Ec2Tag[] => ((record as Record<string, Ec2Tag[] | undefined>)[field] ?? []);
