// EC2's VPC records as Wharf keeps them: the shapes are EC2's own (types generated from AWS's model in
// @aws-sdk/client-ec2, PascalCase as the model names them); a record narrows the members Wharf always fills
// and may add internal members, which never reach the wire (the protocol serializes by the model's shapes).
import type {
  Address,
  AvailabilityZone,
  InternetGateway,
  IpPermission,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Tag,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';

export type { AvailabilityZone, IpPermission, SecurityGroupRule, Tag as Ec2Tag };

/** DescribeVpcAttribute's settings of a VPC (not members of EC2's Vpc shape). */
export interface VpcAttributes {
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
}

export interface VpcRecord extends Vpc {
  VpcId: string;
  CidrBlock: string;
  IsDefault: boolean;
  State: 'available';
  OwnerId: string;
  Tags: Tag[];
  /** Records from before attributes were kept get EC2's defaults for their kind at start (vpcAttributes). */
  attributes: VpcAttributes;
}

export interface SubnetRecord extends Subnet {
  SubnetId: string;
  VpcId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  DefaultForAz: boolean;
  State: 'available';
  Tags: Tag[];
  /**
   * Where the next address search starts, as an offset into the subnet (not an EC2 member): addresses are
   * handed out round-robin, so one just released is not reused at once while its old holder is torn down.
   */
  nextOffset?: number;
}

export interface SecurityGroupRecord extends SecurityGroup {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  IpPermissions: IpPermission[];
  IpPermissionsEgress: IpPermission[];
  Tags: Tag[];
  /**
   * The group's rules one by one, with their ids and tags (DescribeSecurityGroupRules): the source of
   * truth, IpPermissions and IpPermissionsEgress are derived from them (records from before rules had ids
   * are given them at start, see upgradeRecords).
   */
  rules: SecurityGroupRuleRecord[];
}

export interface SecurityGroupRuleRecord extends SecurityGroupRule {
  SecurityGroupRuleId: string;
  GroupId: string;
  GroupOwnerId: string;
  IsEgress: boolean;
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  Tags: Tag[];
}

/** Attachments say `available` on the wire, as EC2 answers (the SDK's enum says `attached`; tools wait for `available`). */
export interface InternetGatewayRecord extends Omit<InternetGateway, 'Attachments'> {
  InternetGatewayId: string;
  OwnerId: string;
  Attachments: { State: 'available'; VpcId: string }[];
  Tags: Tag[];
}

/** A route table; `Main` tables are their VPC's (one each, made with it), with the VPC's local route first. */
export interface RouteTableRecord extends RouteTable {
  RouteTableId: string;
  VpcId: string;
  OwnerId: string;
  Routes: NonNullable<RouteTable['Routes']>;
  Associations: (NonNullable<RouteTable['Associations']>[number] & { RouteTableAssociationId: string; Main: boolean })[];
  PropagatingVgws: [];
  Tags: Tag[];
}

/** A network ACL: Wharf keeps each VPC's default one (allow all both ways) as a record; it filters nothing. */
export interface NetworkAclRecord extends NetworkAcl {
  NetworkAclId: string;
  VpcId: string;
  IsDefault: boolean;
  OwnerId: string;
  Tags: Tag[];
}

/** A NAT gateway as a record: Wharf's tasks reach out through the host whatever the routes say. */
export interface NatGatewayRecord extends NatGateway {
  NatGatewayId: string;
  SubnetId: string;
  VpcId: string;
  State: 'available' | 'deleted';
  Tags: Tag[];
}

/** An Elastic IP as a record: an address from the documentation range (198.51.100.0/24), routed nowhere. */
export interface AddressRecord extends Address {
  AllocationId: string;
  PublicIp: string;
  Domain: 'vpc';
  Tags: Tag[];
}

/** EC2 answers endpoint states in lower case (`available`), whatever the SDK's enum spells. */
export interface VpcEndpointRecord extends Omit<VpcEndpoint, 'State'> {
  VpcEndpointId: string;
  VpcId: string;
  ServiceName: string;
  State: 'available';
  Tags: Tag[];
}

/** A task's elastic network interface (awsvpc): EC2 shows it in DescribeNetworkInterfaces while the task holds it. */
export interface NetworkInterfaceRecord extends NetworkInterface {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  PrivateIpAddress: string;
  MacAddress: string;
  PrivateDnsName: string;
  Status: 'in-use';
  Groups: { GroupId: string; GroupName: string }[];
  /** The task the interface serves (not an EC2 member). */
  taskArn: string;
}

declare module './records.js' {
  interface RecordKinds {
    vpc: VpcRecord;
    subnet: SubnetRecord;
    securityGroup: SecurityGroupRecord;
    networkInterface: NetworkInterfaceRecord;
    internetGateway: InternetGatewayRecord;
    routeTable: RouteTableRecord;
    networkAcl: NetworkAclRecord;
    natGateway: NatGatewayRecord;
    elasticIp: AddressRecord;
    vpcEndpoint: VpcEndpointRecord;
  }
}

/** The CIDR of every default VPC. */
export const DEFAULT_VPC_CIDR = '172.31.0.0/16';
/** Default subnets are /20s of the default VPC, one per availability zone, in zone order. */
export const DEFAULT_SUBNET_PREFIX = 20;
/** The zones Wharf offers in every region: `<region>a`, `<region>b`, `<region>c`. */
export const ZONE_LETTERS = ['a', 'b', 'c'] as const;

/** The security group every VPC is created with, named `default`. */
export const DEFAULT_SECURITY_GROUP = 'default';

/** EC2 resource ids: a prefix and 17 lowercase hex digits: the last 17 of a fresh 32-digit id. */
export const ec2Id = (prefix: Ec2IdPrefix, hex: string) => `${prefix}-${hex.slice(-17)}`;
export type Ec2IdPrefix = 'vpc' | 'subnet' | 'sg' | 'eni' | 'sgr' | 'igw' | 'rtb' | 'rtbassoc' | 'acl' | 'aclassoc' | 'nat' | 'eipalloc' | 'eipassoc' | 'vpce';

/** EC2's settings for a new VPC: DNS on, hostnames only in a default VPC. */
export const vpcAttributes = (isDefault: boolean): VpcAttributes => ({ enableDnsSupport: true, enableDnsHostnames: isDefault, enableNetworkAddressUsageMetrics: false });
