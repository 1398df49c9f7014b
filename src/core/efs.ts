// Amazon EFS as Wharf keeps it: file systems, their mount targets (one per Availability Zone, each with an
// interface in a subnet of the VPC) and access points (a POSIX identity and a root directory), as records
// shaped like EFS's own descriptions. A file system's data is a directory on the server's host, reached
// through the FileSystemStorage port (decisions/0002: bulk data stays out of the state).

export interface EfsTag {
  Key: string;
  Value: string;
}

export interface PosixUser {
  Uid: number;
  Gid: number;
  SecondaryGids?: number[];
}

export interface CreationInfo {
  OwnerUid: number;
  OwnerGid: number;
  /** Octal, as EFS takes it (`0755`, `750`). */
  Permissions: string;
}

export interface LifecyclePolicy {
  TransitionToIA?: string;
  TransitionToPrimaryStorageClass?: string;
  TransitionToArchive?: string;
}

export interface FileSystemRecord {
  FileSystemId: string;
  FileSystemArn: string;
  OwnerId: string;
  CreationToken: string;
  CreationTime: Date;
  LifeCycleState: 'available';
  PerformanceMode: 'generalPurpose' | 'maxIO';
  ThroughputMode: 'bursting' | 'provisioned' | 'elastic';
  ProvisionedThroughputInMibps?: number;
  Encrypted: boolean;
  KmsKeyId?: string;
  /** One Zone file systems live in one zone. */
  AvailabilityZoneName?: string;
  AvailabilityZoneId?: string;
  FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' | 'DISABLED' | 'REPLICATING' };
  Tags: EfsTag[];
  LifecyclePolicies: LifecyclePolicy[];
  BackupPolicy: { Status: 'ENABLED' | 'DISABLED' };
  /** The resource policy (PutFileSystemPolicy), as given. */
  Policy?: string;
}

export interface MountTargetRecord {
  MountTargetId: string;
  FileSystemId: string;
  OwnerId: string;
  SubnetId: string;
  VpcId: string;
  LifeCycleState: 'available';
  IpAddress: string;
  NetworkInterfaceId: string;
  AvailabilityZoneId?: string;
  AvailabilityZoneName: string;
  SecurityGroups: string[];
}

export interface AccessPointRecord {
  AccessPointId: string;
  AccessPointArn: string;
  ClientToken: string;
  FileSystemId: string;
  OwnerId: string;
  LifeCycleState: 'available';
  PosixUser?: PosixUser;
  RootDirectory: { Path: string; CreationInfo?: CreationInfo };
  Tags: EfsTag[];
}

declare module './records.js' {
  interface RecordKinds {
    efsFileSystem: FileSystemRecord;
    efsMountTarget: MountTargetRecord;
    efsAccessPoint: AccessPointRecord;
  }
}

/** The owner and mode a directory is made with (an access point's CreationInfo). */
export interface DirectoryOwner {
  uid: number;
  gid: number;
  /** Permission bits, e.g. 0o755. */
  mode: number;
}

/**
 * Where file systems keep their data: one directory per file system, on the server's host. Paths are
 * relative to the file system's root and already checked (efs-paths.ts).
 */
export interface FileSystemStorage {
  /** Makes the file system's root directory (idempotent: it may survive from before a restart). */
  create(fileSystemId: string): Promise<void>;
  /** Removes the file system's directory and all it holds. */
  remove(fileSystemId: string): Promise<void>;
  /** Removes every file system's directory (a reset: no file system record is left). */
  clear(): Promise<void>;
  /** The bytes its files take (EFS's metered size). */
  size(fileSystemId: string): Promise<number>;
  /** Makes `path` (and its parents) with `owner`, unless it exists: EFS's access point root directory creation. */
  ensureDirectory(fileSystemId: string, path: string, owner: DirectoryOwner): Promise<void>;
  /** The absolute host path of `path` in the file system: what one-host agents bind-mount. */
  hostPath(fileSystemId: string, path: string): string;
  /** Whether `path` is a directory of the file system (a mount of a missing one fails, as NFS refuses it). */
  isDirectory(fileSystemId: string, path: string): boolean;
}

/** The file system's name: its `Name` tag, as EFS shows it. */
export const fileSystemName = (record: Pick<FileSystemRecord, 'Tags'>) => record.Tags.find((t) => t.Key === 'Name')?.Value;

/** EFS ids: a prefix and 17 hex digits (`fs-0123456789abcdef0`). */
export const efsId = (prefix: 'fs' | 'fsmt' | 'fsap', hex: string) => `${prefix}-${hex.slice(-17)}`;
