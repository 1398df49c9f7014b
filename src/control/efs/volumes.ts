// Tasks' EFS volumes: RegisterTaskDefinition's checks of `efsVolumeConfiguration` (ECS's rules and words),
// and what a task's agent mounts for each such volume, resolved from the records when the task is assigned:
// the directory of the file system (under the access point's root, then `rootDirectory`), the access
// point's POSIX user, or why the mount fails as EFS's mount helper would.
import type { EFSVolumeConfiguration, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EfsVolumeMount } from '../../core/agent-protocol.js';
import { lastSegment } from '../../core/arn.js';
import { HOST_ID_ATTRIBUTE, nfsVolumePath, type NfsEndpoint } from '../../core/efs-exports.js';
import type { AccessPointRecord, FileSystemRecord, FileSystemStorage } from '../../core/efs.js';
import { compilePolicy } from '../../core/policy/compile.js';
import { evaluate } from '../../core/policy/evaluate.js';
import { policiesOf } from '../iam/principal-policies.js';
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

/** Where the file systems are: the storage that names host paths, the server's host, its NFS server. */
export interface EfsHost {
  storage: FileSystemStorage;
  /** The server's host id; an instance that registers another (`wharf.host-id`) mounts over NFS. */
  hostId?: string;
  /** Where the server's NFS server serves the exports, when one runs. */
  nfs?: NfsEndpoint;
}

/** Everything a mount decision reads: the records, and where the file systems are. */
export interface EfsMountSources {
  state: State;
  host: EfsHost;
}

/** The task a volume is mounted for: its role is who mounts with IAM authorisation. */
export interface MountingTask {
  taskArn: string;
  /** The definition as the task runs it (its overrides applied). */
  definition: TaskDefinition;
  /** The instance it runs on: on the server's host it binds the directory, elsewhere it mounts the export. */
  containerInstanceArn?: string;
}

/** The task's EFS volumes by name, as its agent mounts them; undefined when it has none. */
export function efsVolumeMounts(sources: EfsMountSources | undefined, task: MountingTask): Record<string, EfsVolumeMount> | undefined {
  const volumes = (task.definition.volumes ?? []).filter((v) => v.efsVolumeConfiguration);
  if (!volumes.length) return undefined;
  const remote = sources !== undefined && !onServerHost(sources, task.containerInstanceArn);
  return Object.fromEntries(volumes.map((v) => [v.name!, efsVolumeMount(sources, task, v.efsVolumeConfiguration!, remote)]));
}

/**
 * Whether the instance shares the server's host (and so its data dir): its agent registered the server's
 * host id, or none (an agent that names no host is taken to be beside the server, as before host ids).
 */
function onServerHost({ state, host }: EfsMountSources, containerInstanceArn: string | undefined): boolean {
  const instance = containerInstanceArn === undefined ? undefined : state.get('containerInstance', containerInstanceArn);
  const registered = instance?.attributes.find((a) => a.name === HOST_ID_ATTRIBUTE)?.value;
  return registered === undefined || host.hostId === undefined || registered === host.hostId;
}

function efsVolumeMount(sources: EfsMountSources | undefined, task: MountingTask, config: EFSVolumeConfiguration, remote: boolean): EfsVolumeMount {
  // EFS's mount helper's words where a mount fails (ResourceInitializationError on ECS).
  const failed = (why: string) => ({ error: `failed to invoke EFS utils commands to set up EFS volumes: ${why}` });
  if (!sources) return failed('this Wharf keeps no EFS file systems');
  const { state, host: { storage, nfs } } = sources;
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
  let readOnly = false;
  if (config.authorizationConfig?.iam === 'ENABLED') {
    const access = iamAccess(state, task, fs, ap);
    if (access === 'none') return failed(`mount.nfs4: access denied by server while mounting ${fs.FileSystemId}: the file system policy and the task role's policies do not allow elasticfilesystem:ClientMount`);
    readOnly = access === 'read';
  }
  const rootDirectory = config.rootDirectory === undefined || config.rootDirectory.startsWith('/') ? config.rootDirectory : `/${config.rootDirectory}`;
  const path = volumeDirectory(ap?.RootDirectory.Path, rootDirectory);
  if (!storage.isDirectory(fs.FileSystemId, path)) {
    return failed(`mount.nfs4: mounting ${fs.FileSystemId}:${path} failed, reason given by server: No such file or directory`);
  }
  if (remote) {
    // Another host mounts the export over NFS: the server squashes through the access point, so the containers keep their own user.
    if (!nfs) return failed(`mount.nfs4: Connection refused: the file system is on the Wharf server's host and it serves no NFS (nfs-ganesha: docs/efs.md)`);
    return { nfs: { ...nfs, path: nfsVolumePath(fs.FileSystemId, ap?.AccessPointId, rootDirectory), ...(readOnly && { readOnly }) } };
  }
  return {
    hostPath: storage.hostPath(fs.FileSystemId, path),
    ...(readOnly && { readOnly }),
    ...(ap?.PosixUser && { posixUser: { uid: ap.PosixUser.Uid, gid: ap.PosixUser.Gid, ...(ap.PosixUser.SecondaryGids?.length && { secondaryGids: ap.PosixUser.SecondaryGids }) } }),
  };
}

/** EFS's default file system policy: any client that reaches a mount target may mount, write and act as root. */
const defaultPolicy = (fileSystemArn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientMount'],
      Resource: fileSystemArn,
      Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    }],
  });

/**
 * IAM authorisation of a task's mount (authorizationConfig.iam ENABLED), as EFS evaluates it: the task
 * role's session against its identity policies and the file system policy (or EFS's default one), for
 * ClientMount and then ClientWrite; a mount without ClientWrite is read-only. Without a task role the mount
 * helper has no credentials to sign with.
 */
function iamAccess(state: State, task: MountingTask, fs: FileSystemRecord, ap: AccessPointRecord | undefined): 'none' | 'read' | 'write' {
  const roleArn = task.definition.taskRoleArn;
  if (!roleArn) return 'none';
  const accountId = fs.OwnerId;
  const input = {
    principal: { arn: `arn:aws:sts::${accountId}:assumed-role/${lastSegment(roleArn)}/${lastSegment(task.taskArn)}`, identityArn: roleArn, accountId },
    identityPolicies: (policiesOf(state, roleArn)?.identity ?? []).map((text) => compilePolicy(text, 'identity')),
    resourcePolicy: compilePolicy(fs.Policy ?? defaultPolicy(fs.FileSystemArn), 'resource'),
    resourceAccountId: accountId,
  };
  const context = {
    'aws:PrincipalArn': roleArn,
    'aws:SecureTransport': 'true',
    'elasticfilesystem:AccessedViaMountTarget': 'true',
    ...(ap && { 'elasticfilesystem:AccessPointArn': ap.AccessPointArn }),
  };
  const allowed = (action: string) => evaluate(input, { action, resource: fs.FileSystemArn, context }).decision === 'Allow';
  if (!allowed('elasticfilesystem:ClientMount')) return 'none';
  return allowed('elasticfilesystem:ClientWrite') ? 'write' : 'read';
}

/** A record by id or ARN (task definitions may name either). */
function resolve<K extends 'efsFileSystem' | 'efsAccessPoint'>(state: Reader, kind: K, idOrArn: string) {
  return state.get(kind, idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn);
}
