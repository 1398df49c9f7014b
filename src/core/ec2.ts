// EC2's VPC records as Wharf keeps them: the shapes are EC2's own (types generated from AWS's model in
// @aws-sdk/client-ec2, PascalCase as the model names them); a record narrows the members Wharf always fills
// and may add internal members, which never reach the wire (the protocol serializes by the model's shapes).
import type { AvailabilityZone, IpPermission, NetworkInterface, SecurityGroup, Subnet, Tag, Vpc } from '@aws-sdk/client-ec2';

export type { AvailabilityZone, IpPermission, Tag as Ec2Tag };

export interface VpcRecord extends Vpc {
  VpcId: string;
  CidrBlock: string;
  IsDefault: boolean;
  State: 'available';
  OwnerId: string;
  Tags: Tag[];
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
export const ec2Id = (prefix: 'vpc' | 'subnet' | 'sg' | 'eni' | 'sgr', hex: string) => `${prefix}-${hex.slice(-17)}`;
