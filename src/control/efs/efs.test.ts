// EFS through its control functions: file systems as directories in a temp dir, mount targets in the default
// VPC, access points' root directories, tags, policies, and what a task's agent is given to mount.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { FileSystemDirectories } from '../../store/directories/file-system-directories.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { HOST_ID_ATTRIBUTE } from '../../core/efs-exports.js';
import { fixture, putCluster, putInstance } from '../ecs/fixtures.js';
import { normaliseDefinition } from '../ecs/task-definitions.js';
import { createAccessPoint, describeAccessPoints } from './access-points.js';
import { describeFileSystemPolicy, putFileSystemPolicy, putLifecycleConfiguration } from './file-system-configuration.js';
import { createFileSystem, deleteFileSystem, describeFileSystems } from './file-systems.js';
import { createMountTarget, describeMountTargets, deleteMountTarget, modifyMountTargetSecurityGroups } from './mount-targets.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { hostExports, nfsClients } from './nfs-exports.js';
import { efsVolumeMounts } from './volumes.js';

const code = (expected: string) => (error: unknown) => {
  assert.equal((error as AwsError).code, expected, (error as Error).message);
  return true;
};

const root = mkdtempSync(join(tmpdir(), 'wharf-efs-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function world() {
  const f = await fixture();
  f.ctx.fileSystems = new FileSystemDirectories(join(root, String(Math.random()).slice(2)));
  await ensureDefaultVpc(f.ctx);
  const subnets = [...f.ctx.state.all('subnet')].sort((a, b) => (a.AvailabilityZone < b.AvailabilityZone ? -1 : 1));
  return { ...f, subnets };
}

describe('EFS', () => {
  it('creates a file system once per creation token, with its directory, and deletes it with its data', async () => {
    const { ctx } = await world();
    const fs = await createFileSystem(ctx, { CreationToken: 'tok', Tags: [{ Key: 'Name', Value: 'shared' }] });
    assert.match(fs.FileSystemId, /^fs-[0-9a-f]{17}$/);
    assert.equal(fs.LifeCycleState, 'available');
    assert.equal(fs.Name, 'shared');
    assert.equal(fs.PerformanceMode, 'generalPurpose');
    await assert.rejects(createFileSystem(ctx, { CreationToken: 'tok' }), (e) => code('FileSystemAlreadyExists')(e) && (e as { FileSystemId?: string }).FileSystemId === fs.FileSystemId);
    const dir = ctx.fileSystems!.hostPath(fs.FileSystemId, '/');
    writeFileSync(join(dir, 'data'), 'x'.repeat(1000));
    assert.equal((await describeFileSystems(ctx, { FileSystemId: fs.FileSystemId })).FileSystems[0]!.SizeInBytes.Value, 1000);
    assert.equal((await describeFileSystems(ctx, { CreationToken: 'tok' })).FileSystems.length, 1);
    await assert.rejects(createFileSystem(ctx, { CreationToken: 'p', ThroughputMode: 'provisioned' }), code('BadRequest'));
    await putLifecycleConfiguration(ctx, { FileSystemId: fs.FileSystemId, LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }] });
    await assert.rejects(putLifecycleConfiguration(ctx, { FileSystemId: fs.FileSystemId, LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToIA: 'AFTER_7_DAYS' }] }), code('BadRequest'));
    await deleteFileSystem(ctx, { FileSystemId: fs.FileSystemId });
    assert.throws(() => statSync(dir));
    await assert.rejects(describeFileSystems(ctx, { FileSystemId: fs.FileSystemId }), code('FileSystemNotFound'));
  });

  it('puts one mount target per zone in one VPC, and refuses to delete a file system that has one', async () => {
    const { ctx, subnets } = await world();
    const { FileSystemId } = await createFileSystem(ctx, { CreationToken: 'mt' });
    const mt = await createMountTarget(ctx, { FileSystemId, SubnetId: subnets[0]!.SubnetId });
    assert.equal(mt.AvailabilityZoneName, subnets[0]!.AvailabilityZone);
    assert.equal(mt.VpcId, subnets[0]!.VpcId);
    const eni = ctx.state.get('networkInterface', mt.NetworkInterfaceId!)!;
    assert.equal(eni.PrivateIpAddress, mt.IpAddress);
    assert.match(eni.Description!, /^EFS mount target for fs-/);
    await assert.rejects(createMountTarget(ctx, { FileSystemId, SubnetId: subnets[0]!.SubnetId }), code('MountTargetConflict'));
    await assert.rejects(createMountTarget(ctx, { FileSystemId, SubnetId: 'subnet-0000000000000000f' }), code('SubnetNotFound'));
    await assert.rejects(createMountTarget(ctx, { FileSystemId, SubnetId: subnets[1]!.SubnetId, SecurityGroups: ['sg-00000000000000001'] }), code('SecurityGroupNotFound'));
    await assert.rejects(createMountTarget(ctx, { FileSystemId, SubnetId: subnets[1]!.SubnetId, IpAddress: mt.IpAddress! }), code('BadRequest'));
    const second = await createMountTarget(ctx, { FileSystemId, SubnetId: subnets[1]!.SubnetId });
    assert.equal(describeMountTargets(ctx, { FileSystemId }).MountTargets.length, 2);
    await modifyMountTargetSecurityGroups(ctx, { MountTargetId: second.MountTargetId, SecurityGroups: [] });
    await assert.rejects(deleteFileSystem(ctx, { FileSystemId }), code('FileSystemInUse'));
    await deleteMountTarget(ctx, { MountTargetId: mt.MountTargetId });
    await deleteMountTarget(ctx, { MountTargetId: second.MountTargetId });
    assert.equal(ctx.state.get('networkInterface', mt.NetworkInterfaceId!), undefined);
    await deleteFileSystem(ctx, { FileSystemId });
  });

  it("makes an access point's root directory with its owner and permissions, and mounts tasks there as its user", async () => {
    const { ctx, subnets } = await world();
    const { FileSystemId } = await createFileSystem(ctx, { CreationToken: 'ap' });
    const request = {
      ClientToken: 'ap-1',
      FileSystemId,
      PosixUser: { Uid: 1001, Gid: 1002 },
      RootDirectory: { Path: '/app/data', CreationInfo: { OwnerUid: 1001, OwnerGid: 1002, Permissions: '750' } },
      Tags: [{ Key: 'Name', Value: 'app' }],
    };
    const ap = await createAccessPoint(ctx, request);
    assert.equal(ap.Name, 'app');
    assert.equal((await createAccessPoint(ctx, request)).AccessPointId, ap.AccessPointId);
    await assert.rejects(createAccessPoint(ctx, { ...request, RootDirectory: { Path: '/other' } }), code('AccessPointAlreadyExists'));
    await assert.rejects(createAccessPoint(ctx, { ClientToken: 'bad', FileSystemId, RootDirectory: { Path: '/a/../../etc' } }), code('BadRequest'));
    const made = statSync(ctx.fileSystems!.hostPath(FileSystemId, '/app/data'));
    assert.equal(made.mode & 0o7777, 0o750);
    if (process.getuid?.() === 0) assert.deepEqual([made.uid, made.gid], [1001, 1002]);
    assert.equal(describeAccessPoints(ctx, { FileSystemId }).AccessPoints.length, 1);

    const definition = normaliseDefinition({
      family: 'efs',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt' }] }],
      volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: FileSystemId, transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: ap.AccessPointId! } } }],
    });
    const sources = { state: ctx.state, host: { storage: ctx.fileSystems!, hostId: 'server', nfs: { address: '10.0.0.5', port: 2049 } } };
    const task = { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/default/0123', definition };
    assert.match(efsVolumeMounts(sources, task)!.shared!.error!, /no mount target/);
    await createMountTarget(ctx, { FileSystemId, SubnetId: subnets[0]!.SubnetId });
    assert.deepEqual(efsVolumeMounts(sources, task), {
      shared: { hostPath: ctx.fileSystems!.hostPath(FileSystemId, '/app/data'), posixUser: { uid: 1001, gid: 1002 } },
    });
    const missing = { ...task, definition: { volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: FileSystemId, rootDirectory: '/nowhere' } }] } };
    assert.match(efsVolumeMounts(sources, missing)!.v!.error!, /No such file or directory/);

    // An instance of another host mounts the export; one that registered the server's host id binds.
    const cluster = await putCluster(ctx);
    const elsewhere = await putInstance(ctx, cluster, 'far');
    const beside = await putInstance(ctx, cluster, 'near');
    const withHost = (instance: typeof elsewhere, id: string) =>
      ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, { ...instance, attributes: [...instance.attributes, { name: HOST_ID_ATTRIBUTE, value: id }] }));
    await withHost(elsewhere, 'other');
    await withHost(beside, 'server');
    assert.deepEqual(efsVolumeMounts(sources, { ...task, containerInstanceArn: elsewhere.containerInstanceArn }), {
      shared: { nfs: { address: '10.0.0.5', port: 2049, path: `/${ap.AccessPointId}` } },
    });
    assert.ok(efsVolumeMounts(sources, { ...task, containerInstanceArn: beside.containerInstanceArn })!.shared!.hostPath);
    const rooted = { ...task, containerInstanceArn: elsewhere.containerInstanceArn, definition: { volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: FileSystemId, rootDirectory: 'app' } }] } };
    assert.deepEqual(efsVolumeMounts(sources, rooted)!.v, { nfs: { address: '10.0.0.5', port: 2049, path: `/${FileSystemId}/app` } });
    // Without an NFS server, another host cannot mount.
    assert.match(efsVolumeMounts({ ...sources, host: { ...sources.host, nfs: undefined } }, rooted)!.v!.error!, /serves no NFS/);

    // The NFS server serves the hosts of instances elsewhere alone.
    await ctx.state.mutate((tx) => tx.put('containerInstance', elsewhere.containerInstanceArn, { ...ctx.state.get('containerInstance', elsewhere.containerInstanceArn)!, privateIpv4Address: '10.0.1.9' }));
    await ctx.state.mutate((tx) => tx.put('containerInstance', beside.containerInstanceArn, { ...ctx.state.get('containerInstance', beside.containerInstanceArn)!, privateIpv4Address: '10.0.1.8' }));
    assert.deepEqual(nfsClients(ctx.state, 'server'), ['10.0.1.9']);
    // The NFS server exports the file system and its access point, squashed to its POSIX user.
    assert.deepEqual(hostExports(ctx.state, ctx.fileSystems!).map(({ exportId, ...e }) => (assert.ok(exportId >= 1 && exportId <= 65535), e)), [
      { pseudoPath: `/${FileSystemId}`, path: ctx.fileSystems!.hostPath(FileSystemId, '/') },
      { pseudoPath: `/${ap.AccessPointId}`, path: ctx.fileSystems!.hostPath(FileSystemId, '/app/data'), squash: { uid: 1001, gid: 1002 } },
    ]);
  });

  it('authorises IAM mounts with the task role against the file system policy: no ClientWrite mounts read-only', async () => {
    const { ctx, subnets } = await world();
    const fs = await createFileSystem(ctx, { CreationToken: 'iam' });
    await createMountTarget(ctx, { FileSystemId: fs.FileSystemId, SubnetId: subnets[0]!.SubnetId });
    const role = 'arn:aws:iam::123456789012:role/app';
    const mount = (taskRoleArn?: string) =>
      efsVolumeMounts({ state: ctx.state, host: { storage: ctx.fileSystems! } }, {
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/default/0123',
        definition: {
          ...(taskRoleArn && { taskRoleArn }),
          volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: fs.FileSystemId, transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } } }],
        },
      })!.v!;
    assert.match(mount().error!, /access denied/);
    // EFS's default policy lets any client of a mount target mount and write.
    assert.deepEqual(mount(role), { hostPath: ctx.fileSystems!.hostPath(fs.FileSystemId, '/') });
    const allow = (principal: string, actions: string[]) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: actions, Resource: fs.FileSystemArn }] });
    await putFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId, Policy: allow(role, ['elasticfilesystem:ClientMount']) });
    assert.equal(mount(role).readOnly, true);
    await putFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId, Policy: allow(role, ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']) });
    assert.equal(mount(role).readOnly, undefined);
    await putFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId, Policy: allow('arn:aws:iam::123456789012:role/other', ['elasticfilesystem:ClientMount']) });
    assert.match(mount(role).error!, /access denied/);
  });

  it("refuses EFS volumes ECS refuses", () => {
    const register = (efs: object) => () =>
      normaliseDefinition({
        family: 'efs',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
        volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', ...efs } }],
      });
    register({})();
    register({ rootDirectory: '/data' })();
    assert.throws(register({ authorizationConfig: { accessPointId: 'fsap-0123456789abcdef0' } }), code('ClientException'));
    assert.throws(register({ transitEncryption: 'ENABLED', rootDirectory: '/x', authorizationConfig: { accessPointId: 'fsap-0123456789abcdef0' } }), code('ClientException'));
    assert.throws(register({ authorizationConfig: { iam: 'ENABLED' } }), code('ClientException'));
    assert.throws(register({ transitEncryptionPort: 2049 }), code('ClientException'));
    assert.throws(register({ rootDirectory: '/../etc' }), code('ClientException'));
  });

  it('tags file systems and access points, and keeps a file system policy', async () => {
    const { ctx } = await world();
    const fs = await createFileSystem(ctx, { CreationToken: 'tags' });
    await tagResource(ctx, { ResourceId: fs.FileSystemArn!, Tags: [{ Key: 'team', Value: 'a' }, { Key: 'Name', Value: 'n' }] });
    await untagResource(ctx, { ResourceId: fs.FileSystemId, TagKeys: ['team'] });
    assert.deepEqual(listTagsForResource(ctx, { ResourceId: fs.FileSystemId }).Tags, [{ Key: 'Name', Value: 'n' }]);
    assert.equal((await describeFileSystems(ctx, { FileSystemId: fs.FileSystemId })).FileSystems[0]!.Name, 'n');
    assert.throws(() => describeFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId }), code('PolicyNotFound'));
    await assert.rejects(putFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId, Policy: '{"nope":1}' }), code('InvalidPolicyException'));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount', Resource: fs.FileSystemArn }] });
    await putFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId, Policy: policy });
    assert.equal(describeFileSystemPolicy(ctx, { FileSystemId: fs.FileSystemId }).Policy, policy);
  });
});
