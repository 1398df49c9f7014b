// Access points: CreateAccessPoint (idempotent by ClientToken; its root directory made in the file system
// with CreationInfo's owner and permissions when it does not exist yet), DescribeAccessPoints,
// DeleteAccessPoint.
import { arn } from '../../core/arn.js';
import { efsId, type AccessPointRecord, type CreationInfo, type EfsTag, type PosixUser } from '../../core/efs.js';
import { AccessPointAlreadyExists, AccessPointLimitExceeded, AccessPointNotFound, BadRequest } from '../../core/efs-errors.js';
import { accessPointPath, EfsPathError, permissionBits } from '../../core/efs-paths.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import { resolveFileSystem, storage } from './file-systems.js';
import { accessPointsByFileSystem } from './indexes.js';
import { page } from './pages.js';

/** EFS's quota of access points per file system. */
const MAX_ACCESS_POINTS = 10000;
const MAX_SECONDARY_GIDS = 16;

/** An access point by its id or ARN. */
export function resolveAccessPoint(reader: Reader, idOrArn: string): AccessPointRecord {
  const id = idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn;
  const record = reader.get('efsAccessPoint', id);
  if (!record) throw new AccessPointNotFound(`Access point '${id}' does not exist.`);
  return record;
}

class AlreadyExists extends AccessPointAlreadyExists {
  constructor(readonly AccessPointId: string, clientToken: string) {
    super(`Access point '${AccessPointId}' already exists with client token '${clientToken}'.`);
  }
}

export interface CreateAccessPointInput {
  ClientToken: string;
  FileSystemId: string;
  Tags?: EfsTag[];
  PosixUser?: PosixUser;
  RootDirectory?: { Path?: string; CreationInfo?: CreationInfo };
}

function rootDirectory(input: CreateAccessPointInput['RootDirectory']): AccessPointRecord['RootDirectory'] {
  try {
    const path = accessPointPath(input?.Path ?? '/');
    if (input?.CreationInfo) permissionBits(input.CreationInfo.Permissions);
    return { Path: path, ...(input?.CreationInfo && { CreationInfo: input.CreationInfo }) };
  } catch (error) {
    if (error instanceof EfsPathError) throw new BadRequest(`Invalid RootDirectory: ${error.message}.`);
    throw error;
  }
}

export async function createAccessPoint(ctx: ControlContext, input: CreateAccessPointInput) {
  const root = rootDirectory(input.RootDirectory);
  if ((input.PosixUser?.SecondaryGids?.length ?? 0) > MAX_SECONDARY_GIDS) throw new BadRequest(`A POSIX user can have at most ${MAX_SECONDARY_GIDS} secondary groups.`);
  const { record, created } = await ctx.state.mutate((tx) => {
    const fs = resolveFileSystem(tx, input.FileSystemId);
    const existing = [...ctx.state.all('efsAccessPoint')].find((a) => a.ClientToken === input.ClientToken);
    // The same request again answers the access point it made; another one with its token is a conflict.
    if (existing?.FileSystemId === fs.FileSystemId && existing.RootDirectory.Path === root.Path) return { record: existing, created: false };
    if (existing) throw new AlreadyExists(existing.AccessPointId, input.ClientToken);
    if (ctx.state.where(accessPointsByFileSystem, fs.FileSystemId).length >= MAX_ACCESS_POINTS) {
      throw new AccessPointLimitExceeded(`File system '${fs.FileSystemId}' has the maximum number of access points (${MAX_ACCESS_POINTS}).`);
    }
    const id = efsId('fsap', ctx.ids.id());
    const fresh: AccessPointRecord = {
      AccessPointId: id,
      AccessPointArn: arn(ctx.partition, 'elasticfilesystem', `access-point/${id}`),
      ClientToken: input.ClientToken,
      FileSystemId: fs.FileSystemId,
      OwnerId: ctx.partition.accountId,
      LifeCycleState: 'available',
      ...(input.PosixUser && { PosixUser: input.PosixUser }),
      RootDirectory: root,
      Tags: input.Tags ?? [],
    };
    return { record: tx.put('efsAccessPoint', id, fresh), created: true };
  });
  // EFS makes a missing root directory on the first mount; made here, it is there for every later one.
  const info = record.RootDirectory.CreationInfo;
  if (created && info) {
    await storage(ctx).ensureDirectory(record.FileSystemId, record.RootDirectory.Path, { uid: info.OwnerUid, gid: info.OwnerGid, mode: permissionBits(info.Permissions) });
  }
  if (created) ctx.log.info('access point created', { accessPointId: record.AccessPointId, fileSystemId: record.FileSystemId });
  return describeAccessPoint(record);
}

export const describeAccessPoint = (record: AccessPointRecord) => {
  const name = record.Tags.find((t) => t.Key === 'Name')?.Value;
  return { ...record, ...(name !== undefined && { Name: name }) };
};

export function describeAccessPoints(ctx: ControlContext, input: { MaxResults?: number; NextToken?: string; AccessPointId?: string; FileSystemId?: string }) {
  if (input.AccessPointId !== undefined && input.FileSystemId !== undefined) throw new BadRequest('Only one of AccessPointId or FileSystemId can be specified.');
  const all = input.AccessPointId !== undefined
    ? [resolveAccessPoint(ctx.state, input.AccessPointId)]
    : input.FileSystemId !== undefined
      ? ctx.state.where(accessPointsByFileSystem, resolveFileSystem(ctx.state, input.FileSystemId).FileSystemId)
      : [...ctx.state.all('efsAccessPoint')];
  const sorted = [...all].sort((a, b) => (a.AccessPointId < b.AccessPointId ? -1 : 1));
  const { items, next } = page(sorted, input.NextToken, input.MaxResults);
  return { AccessPoints: items.map(describeAccessPoint), ...(next && { NextToken: next }) };
}

/** Deletes the access point; the directory it made stays in the file system, as on EFS. */
export async function deleteAccessPoint(ctx: ControlContext, input: { AccessPointId: string }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    tx.delete('efsAccessPoint', resolveAccessPoint(tx, input.AccessPointId).AccessPointId);
  });
  return {};
}
