// File systems: CreateFileSystem (idempotent by CreationToken), DescribeFileSystems, UpdateFileSystem,
// UpdateFileSystemProtection, DeleteFileSystem (refused while mount targets exist). Each one's data is a
// directory of the FileSystemStorage port, made with it and removed with it.
import { arn } from '../../core/arn.js';
import { efsId, fileSystemName, type EfsTag, type FileSystemRecord, type FileSystemStorage } from '../../core/efs.js';
import { BadRequest, FileSystemAlreadyExists, FileSystemInUse, FileSystemNotFound } from '../../core/efs-errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import { accessPointsByFileSystem, mountTargetsByFileSystem } from './indexes.js';
import { page } from './pages.js';

export const fileSystemArn = (ctx: Pick<ControlContext, 'partition'>, id: string) => arn(ctx.partition, 'elasticfilesystem', `file-system/${id}`);

/** The storage a control plane serving EFS has. */
export function storage(ctx: ControlContext): FileSystemStorage {
  if (!ctx.fileSystems) throw new Error('this control plane keeps no EFS file systems');
  return ctx.fileSystems;
}

/** A file system by its id or ARN, as EFS takes either. */
export function resolveFileSystem(reader: Reader, idOrArn: string): FileSystemRecord {
  const id = idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn;
  const record = reader.get('efsFileSystem', id);
  if (!record) throw new FileSystemNotFound(`File system '${id}' does not exist.`);
  return record;
}

export interface CreateFileSystemInput {
  CreationToken: string;
  PerformanceMode?: FileSystemRecord['PerformanceMode'];
  Encrypted?: boolean;
  KmsKeyId?: string;
  ThroughputMode?: FileSystemRecord['ThroughputMode'];
  ProvisionedThroughputInMibps?: number;
  AvailabilityZoneName?: string;
  Backup?: boolean;
  Tags?: EfsTag[];
}

class AlreadyExists extends FileSystemAlreadyExists {
  constructor(readonly FileSystemId: string, creationToken: string) {
    super(`File system '${FileSystemId}' already exists with creation token '${creationToken}'`);
  }
}

function checkThroughput(mode: FileSystemRecord['ThroughputMode'], provisioned: number | undefined): void {
  if (mode === 'provisioned' && provisioned === undefined) throw new BadRequest('ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.');
  if (mode !== 'provisioned' && provisioned !== undefined) throw new BadRequest('ProvisionedThroughputInMibps can only be specified when ThroughputMode is provisioned.');
  if (provisioned !== undefined && (provisioned < 1 || provisioned > 3414)) throw new BadRequest('ProvisionedThroughputInMibps must be between 1 and 3414.');
}

export async function createFileSystem(ctx: ControlContext, input: CreateFileSystemInput) {
  const throughputMode = input.ThroughputMode ?? 'bursting';
  checkThroughput(throughputMode, input.ProvisionedThroughputInMibps);
  if (input.PerformanceMode === 'maxIO' && (throughputMode === 'elastic' || input.AvailabilityZoneName)) {
    throw new BadRequest('Max I/O performance mode is not supported with Elastic throughput or One Zone file systems.');
  }
  if (input.KmsKeyId !== undefined && !input.Encrypted) throw new BadRequest('KmsKeyId can only be specified for an encrypted file system.');
  const zone = input.AvailabilityZoneName === undefined ? undefined : [...ctx.state.all('subnet')].find((s) => s.AvailabilityZone === input.AvailabilityZoneName);
  if (input.AvailabilityZoneName !== undefined && !zone) throw new BadRequest(`Availability Zone '${input.AvailabilityZoneName}' does not exist.`);
  const record = await ctx.state.mutate((tx) => {
    const existing = [...ctx.state.all('efsFileSystem')].find((f) => f.CreationToken === input.CreationToken);
    if (existing) throw new AlreadyExists(existing.FileSystemId, input.CreationToken);
    const id = efsId('fs', ctx.ids.id());
    const fresh: FileSystemRecord = {
      FileSystemId: id,
      FileSystemArn: fileSystemArn(ctx, id),
      OwnerId: ctx.partition.accountId,
      CreationToken: input.CreationToken,
      CreationTime: ctx.clock.now(),
      // EFS answers `creating` and turns `available` moments later; Wharf's directory is there at once.
      LifeCycleState: 'available',
      PerformanceMode: input.PerformanceMode ?? 'generalPurpose',
      ThroughputMode: throughputMode,
      ...(input.ProvisionedThroughputInMibps !== undefined && { ProvisionedThroughputInMibps: input.ProvisionedThroughputInMibps }),
      Encrypted: input.Encrypted ?? false,
      ...(input.Encrypted && { KmsKeyId: input.KmsKeyId ?? arn(ctx.partition, 'kms', 'alias/aws/elasticfilesystem') }),
      ...(zone && { AvailabilityZoneName: zone.AvailabilityZone, ...(zone.AvailabilityZoneId && { AvailabilityZoneId: zone.AvailabilityZoneId }) }),
      FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
      Tags: input.Tags ?? [],
      LifecyclePolicies: [],
      // Backup is on by default for One Zone file systems.
      BackupPolicy: { Status: input.Backup ?? zone !== undefined ? 'ENABLED' : 'DISABLED' },
    };
    return tx.put('efsFileSystem', id, fresh);
  });
  await storage(ctx).create(record.FileSystemId);
  ctx.log.info('file system created', { fileSystemId: record.FileSystemId });
  return describeFileSystem(ctx, record);
}

/** A FileSystemDescription: the record with its mount target count and metered size. */
export async function describeFileSystem(ctx: ControlContext, record: FileSystemRecord) {
  const { LifecyclePolicies: _l, BackupPolicy: _b, Policy: _p, ...description } = record;
  const size = await storage(ctx).size(record.FileSystemId);
  return {
    ...description,
    ...(fileSystemName(record) !== undefined && { Name: fileSystemName(record) }),
    NumberOfMountTargets: ctx.state.where(mountTargetsByFileSystem, record.FileSystemId).length,
    SizeInBytes: { Value: size, Timestamp: ctx.clock.now(), ValueInIA: 0, ValueInStandard: size, ValueInArchive: 0 },
  };
}

export async function describeFileSystems(ctx: ControlContext, input: { MaxItems?: number; Marker?: string; CreationToken?: string; FileSystemId?: string }) {
  if (input.CreationToken !== undefined && input.FileSystemId !== undefined) {
    throw new BadRequest('Only one of FileSystemId or CreationToken can be specified.');
  }
  const all = input.FileSystemId !== undefined
    ? [resolveFileSystem(ctx.state, input.FileSystemId)]
    : [...ctx.state.all('efsFileSystem')]
        .filter((f) => input.CreationToken === undefined || f.CreationToken === input.CreationToken)
        .sort((a, b) => new Date(a.CreationTime).getTime() - new Date(b.CreationTime).getTime() || (a.FileSystemId < b.FileSystemId ? -1 : 1));
  const { items, next } = page(all, input.Marker, input.MaxItems);
  return {
    ...(input.Marker !== undefined && { Marker: input.Marker }),
    FileSystems: await Promise.all(items.map((f) => describeFileSystem(ctx, f))),
    ...(next && { NextMarker: next }),
  };
}

export async function updateFileSystem(ctx: ControlContext, input: { FileSystemId: string; ThroughputMode?: FileSystemRecord['ThroughputMode']; ProvisionedThroughputInMibps?: number }) {
  const record = await ctx.state.mutate((tx) => {
    const current = resolveFileSystem(tx, input.FileSystemId);
    const mode = input.ThroughputMode ?? current.ThroughputMode;
    const provisioned = mode === 'provisioned' ? input.ProvisionedThroughputInMibps ?? current.ProvisionedThroughputInMibps : input.ProvisionedThroughputInMibps;
    checkThroughput(mode, provisioned);
    const { ProvisionedThroughputInMibps: _old, ...rest } = current;
    return tx.put('efsFileSystem', current.FileSystemId, { ...rest, ThroughputMode: mode, ...(provisioned !== undefined && { ProvisionedThroughputInMibps: provisioned }) });
  });
  return describeFileSystem(ctx, record);
}

export async function updateFileSystemProtection(ctx: ControlContext, input: { FileSystemId: string; ReplicationOverwriteProtection?: 'ENABLED' | 'DISABLED' }) {
  const record = await ctx.state.mutate((tx) => {
    const current = resolveFileSystem(tx, input.FileSystemId);
    const protection = input.ReplicationOverwriteProtection ?? current.FileSystemProtection.ReplicationOverwriteProtection;
    return tx.put('efsFileSystem', current.FileSystemId, { ...current, FileSystemProtection: { ReplicationOverwriteProtection: protection } });
  });
  return record.FileSystemProtection;
}

/** Deletes a file system without mount targets, its access points and its data. */
export async function deleteFileSystem(ctx: ControlContext, input: { FileSystemId: string }): Promise<Record<string, never>> {
  const record = await ctx.state.mutate((tx) => {
    const current = resolveFileSystem(tx, input.FileSystemId);
    if (ctx.state.where(mountTargetsByFileSystem, current.FileSystemId).length) {
      throw new FileSystemInUse(`File system '${current.FileSystemId}' has mount targets created in it. Delete the mount targets before deleting the file system.`);
    }
    for (const ap of ctx.state.where(accessPointsByFileSystem, current.FileSystemId)) tx.delete('efsAccessPoint', ap.AccessPointId);
    tx.delete('efsFileSystem', current.FileSystemId);
    return current;
  });
  await storage(ctx).remove(record.FileSystemId);
  ctx.log.info('file system deleted', { fileSystemId: record.FileSystemId });
  return {};
}
