// Amazon EFS on the gateway (REST-JSON): file systems kept as directories on the server's host, mount targets
// in the VPC's subnets, access points, file system policies and tags. Tasks mount file systems through
// `efsVolumeConfiguration` (control/efs/volumes.ts).
import * as accessPoints from '../control/efs/access-points.js';
import * as configuration from '../control/efs/file-system-configuration.js';
import * as fileSystems from '../control/efs/file-systems.js';
import * as mountTargets from '../control/efs/mount-targets.js';
import * as tags from '../control/efs/tags.js';
import { runNfsExports } from '../control/efs/nfs-exports.js';
import { ReplicationNotFound } from '../core/efs-errors.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const efs: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('efs'),
    // EFS refuses bad input as BadRequest, with the members named.
    validationErrorCode: 'BadRequest',
    handlers: {
      CreateFileSystem: (input) => fileSystems.createFileSystem(ctx, input),
      DescribeFileSystems: (input) => fileSystems.describeFileSystems(ctx, input),
      UpdateFileSystem: (input) => fileSystems.updateFileSystem(ctx, input),
      UpdateFileSystemProtection: (input) => fileSystems.updateFileSystemProtection(ctx, input),
      DeleteFileSystem: (input) => fileSystems.deleteFileSystem(ctx, input),
      PutLifecycleConfiguration: (input) => configuration.putLifecycleConfiguration(ctx, input),
      DescribeLifecycleConfiguration: (input) => configuration.describeLifecycleConfiguration(ctx, input),
      PutBackupPolicy: (input) => configuration.putBackupPolicy(ctx, input),
      DescribeBackupPolicy: (input) => configuration.describeBackupPolicy(ctx, input),
      PutFileSystemPolicy: (input) => configuration.putFileSystemPolicy(ctx, input),
      DescribeFileSystemPolicy: (input) => configuration.describeFileSystemPolicy(ctx, input),
      DeleteFileSystemPolicy: (input) => configuration.deleteFileSystemPolicy(ctx, input),
      CreateMountTarget: (input) => mountTargets.createMountTarget(ctx, input),
      DescribeMountTargets: (input) => mountTargets.describeMountTargets(ctx, input),
      DeleteMountTarget: (input) => mountTargets.deleteMountTarget(ctx, input),
      DescribeMountTargetSecurityGroups: (input) => mountTargets.describeMountTargetSecurityGroups(ctx, input),
      ModifyMountTargetSecurityGroups: (input) => mountTargets.modifyMountTargetSecurityGroups(ctx, input),
      CreateAccessPoint: (input) => accessPoints.createAccessPoint(ctx, input),
      DescribeAccessPoints: (input) => accessPoints.describeAccessPoints(ctx, input),
      DeleteAccessPoint: (input) => accessPoints.deleteAccessPoint(ctx, input),
      TagResource: (input) => tags.tagResource(ctx, input),
      UntagResource: (input) => tags.untagResource(ctx, input),
      ListTagsForResource: (input) => tags.listTagsForResource(ctx, input),
      CreateTags: (input) => tags.createTags(ctx, input),
      DeleteTags: (input) => tags.deleteTags(ctx, input),
      DescribeTags: (input) => tags.describeTags(ctx, input),
      // Replication is not offered: no file system has a replication configuration.
      DescribeReplicationConfigurations: (input) => {
        if (input.FileSystemId === undefined) return { Replications: [] };
        const { FileSystemId } = fileSystems.resolveFileSystem(ctx.state, input.FileSystemId);
        throw new ReplicationNotFound(`No replications found for file system '${FileSystemId}'.`);
      },
      DescribeAccountPreferences: () => ({ ResourceIdPreference: { ResourceIdType: 'LONG_ID', Resources: ['FILE_SYSTEM', 'MOUNT_TARGET'] } }),
    },
  }),
  authorization: { taggedKinds: ['efsFileSystem', 'efsAccessPoint'] },
  // The NFS server's exports, for agents on other hosts: once for every region, where an NFS server runs.
  hostControllers: (ctx, signal) =>
    ctx.nfs && ctx.fileSystems ? [runNfsExports(ctx.state, ctx.fileSystems, ctx.hostId, ctx.nfs, ctx.log.child({ component: 'nfs' }), signal)] : [],
};
