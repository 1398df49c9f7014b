// Tasks' EFS volumes: RegisterTaskDefinition's checks of `efsVolumeConfiguration` (ECS's rules and words),
// and what a task's agent mounts for each such volume, resolved from the records when the task is assigned:
// the directory of the file system (under the access point's root, then `rootDirectory`), the access
// point's POSIX user, or why the mount fails as EFS's mount helper would.
import type { EFSVolumeConfiguration, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EfsVolumeMount } from '../../core/agent-protocol.js';
import type { FileSystemStorage } from '../../core/efs.js';
import { EfsPathError, pathSegments, volumeDirectory } from '../../core/efs-paths.js';
import { ClientException } from '../../core/ecs-errors.js';
import type { Reader } from '../ecs/lookups.js';
import type { State } from '../state.js';
import { mountTargetsByFileSystem } from './indexes.js';

const invalid = (message: string) => new ClientException(`Invalid request provided: Create TaskDefinition: ${message}`);

/** RegisterTaskDefinition's checks of one volume's EFS configuration. */
export function checkEfsVolumeConfiguration(name: string, config: EFSVolumeConfiguration): void {
  const encrypted = config.transitEncryption === 'ENABLED';
  if (config.rootDirectory !== undefined) {
    try {
      pathSegments(config.rootDirectory.startsWith('/') ? config.rootDirectory : `/${config.rootDirectory}`);
    } catch (error) {
      if (error instanceof EfsPathError) throw invalid(`Volume '${name}': rootDirectory ${error.message}.`);
      throw error;
    }
  }
  if (config.transitEncryptionPort !== undefined) {
    if (!encrypted) throw invalid(`Volume '${name}': transitEncryptionPort can only be specified when transitEncryption is ENABLED.`);
    if (config.transitEncryptionPort < 1 || config.transitEncryptionPort > 65535) throw invalid(`Volume '${name}': transitEncryptionPort must be between 1 and 65535.`);
  }
  const auth = config.authorizationConfig;
  if (auth?.accessPointId !== undefined) {
    if (!encrypted) throw invalid('Transit encryption must be enabled when using an EFS access point.');
    if (config.rootDirectory !== undefined && config.rootDirectory !== '/') {
      throw invalid('When using an EFS access point, the root directory must either be set to "/" or be omitted.');
    }
  }
  if (auth?.iam === 'ENABLED' && !encrypted) throw invalid('Transit encryption must be enabled when using EFS IAM authorization.');
}

/** Everything a mount decision reads: the records, and the storage that names host paths. */
export interface EfsMountSources {
  state: Pick<State, 'get' | 'where'>;
  storage: FileSystemStorage;
}

/** The task's EFS volumes by name, as its agent mounts them; undefined when it has none. */
export function efsVolumeMounts(sources: EfsMountSources | undefined, definition: TaskDefinition): Record<string, EfsVolumeMount> | undefined {
  const volumes = (definition.volumes ?? []).filter((v) => v.efsVolumeConfiguration);
  if (!volumes.length) return undefined;
  return Object.fromEntries(volumes.map((v) => [v.name!, efsVolumeMount(sources, v.efsVolumeConfiguration!)]));
}

function efsVolumeMount(sources: EfsMountSources | undefined, config: EFSVolumeConfiguration): EfsVolumeMount {
  // EFS's mount helper's words where a mount fails (ResourceInitializationError on ECS).
  const failed = (why: string) => ({ error: `failed to invoke EFS utils commands to set up EFS volumes: ${why}` });
  if (!sources) return failed('this Wharf keeps no EFS file systems');
  const { state, storage } = sources;
  const fs = resolve(state, 'efsFileSystem', config.fileSystemId!);
  if (!fs) return failed(`Failed to resolve "${config.fileSystemId}": the file system does not exist`);
  if (!state.where(mountTargetsByFileSystem, fs.FileSystemId).length) {
    return failed(`Failed to resolve "${fs.FileSystemId}": the file system has no mount target`);
  }
  const accessPointId = config.authorizationConfig?.accessPointId;
  const ap = accessPointId === undefined ? undefined : resolve(state, 'efsAccessPoint', accessPointId);
  if (accessPointId !== undefined && (!ap || ap.FileSystemId !== fs.FileSystemId)) {
    return failed(`mount.nfs4: access denied by server: access point ${accessPointId} is not an access point of ${fs.FileSystemId}`);
  }
  const rootDirectory = config.rootDirectory === undefined || config.rootDirectory.startsWith('/') ? config.rootDirectory : `/${config.rootDirectory}`;
  const path = volumeDirectory(ap?.RootDirectory.Path, rootDirectory);
  return {
    hostPath: storage.hostPath(fs.FileSystemId, path),
    ...(ap?.PosixUser && { posixUser: { uid: ap.PosixUser.Uid, gid: ap.PosixUser.Gid, ...(ap.PosixUser.SecondaryGids?.length && { secondaryGids: ap.PosixUser.SecondaryGids }) } }),
  };
}

/** A record by id or ARN (task definitions may name either). */
function resolve<K extends 'efsFileSystem' | 'efsAccessPoint'>(state: Reader, kind: K, idOrArn: string) {
  return state.get(kind, idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn);
}
