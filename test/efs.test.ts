// EFS end to end, as a user does it with @aws-sdk/client-efs and ECS: a file system with a mount target and
// an access point; a task writes through the volume as the access point's user and stops; its replacement,
// on another container instance (a second `wharf agent`), reads what it wrote; the data outlives a restart;
// deleting the file system is refused while it has mount targets, and removes its data once it has none.
// Across hosts: Wharf's NFS server (nfs-ganesha) exports the file system and its access point (read here
// with libnfs's nfs-cat, nfs-ls and nfs-cp), and an agent of another host mounts the export through Docker.
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DeleteAccessPointCommand,
  PutFileSystemPolicyCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { privateIp } from '../src/agent/registration.js';
import { WHARF_BIN, eventually, freePort, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;
let efs: EFSClient;
let agent: ChildProcess | undefined;
let farAgent: ChildProcess | undefined;
const agentDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));
const farAgentDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));
let nfsPort: number;

before(async () => {
  nfsPort = await freePort();
  wharf = await startWharf({ args: ['--nfs-port', String(nfsPort)] });
  ecs = wharf.ecs();
  efs = new EFSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
});
after(async () => {
  try {
    await wharf?.drain();
  } finally {
    agent?.kill('SIGTERM');
    farAgent?.kill('SIGTERM');
    await wharf?.stop();
    rmSync(agentDir, { recursive: true, force: true });
    rmSync(farAgentDir, { recursive: true, force: true });
  }
});

/** Runs a task to its end on `cluster` and answers it STOPPED. */
async function runToEnd(taskDefinition: string, cluster?: string): Promise<Task> {
  const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({ cluster, taskDefinition }));
  assert.deepEqual(failures, []);
  return eventually(async () => {
    const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task!.taskArn!] }));
    return t?.lastStatus === 'STOPPED' ? t : undefined;
  }, `${taskDefinition} STOPPED`, 60_000);
}

const volume = (fileSystemId: string, accessPointId?: string) => ({
  name: 'shared',
  efsVolumeConfiguration: {
    fileSystemId,
    transitEncryption: 'ENABLED' as const,
    ...(accessPointId && { authorizationConfig: { accessPointId, iam: 'DISABLED' as const } }),
  },
});

const container = (command: string) => ({
  name: 'app',
  image: IMAGE,
  memory: 32,
  command: ['sh', '-c', command],
  mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt/efs' }],
});

test('a file written by one task is read by its replacement on another container instance, and outlives a restart', async () => {
  const { FileSystemId } = await efs.send(new CreateFileSystemCommand({ CreationToken: 'shared', Tags: [{ Key: 'Name', Value: 'shared' }] }));
  const { Subnets = [] } = await new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials }).send(new DescribeSubnetsCommand({}));
  const { MountTargetId, IpAddress } = await efs.send(new CreateMountTargetCommand({ FileSystemId, SubnetId: Subnets[0]!.SubnetId! }));
  assert.ok(IpAddress);
  const { AccessPointId } = await efs.send(new CreateAccessPointCommand({
    ClientToken: 'app',
    FileSystemId,
    PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
    RootDirectory: { Path: '/app', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '750' } },
  }));

  // The access point's root directory, made with its owner and mode in the file system's directory.
  const root = join(wharf.dataDir, 'efs', FileSystemId!);
  const apRoot = statSync(join(root, 'app'));
  assert.deepEqual([apRoot.uid, apRoot.gid, apRoot.mode & 0o777], [1000, 1000, 0o750]);

  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'efs-writer',
    containerDefinitions: [container('echo "written by $(id -u):$(id -g)" > /mnt/efs/hello.txt')],
    volumes: [volume(FileSystemId!, AccessPointId)],
  }));
  const writer = await runToEnd('efs-writer');
  assert.equal(writer.containers![0]!.exitCode, 0, writer.stoppedReason);
  // Through the access point the file is the POSIX user's, and it is nowhere but under the access point's root.
  const written = statSync(join(root, 'app', 'hello.txt'));
  assert.deepEqual([written.uid, written.gid], [1000, 1000]);
  assert.equal(readFileSync(join(root, 'app', 'hello.txt'), 'utf8'), 'written by 1000:1000\n');

  // The replacement runs on another instance: a second agent, in a cluster of its own.
  const second = await startAgent('efs-two', agentDir);
  agent = second.child;
  const instance = second.instance;
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'efs-reader',
    containerDefinitions: [container('grep -qx "written by 1000:1000" /mnt/efs/hello.txt && test "$(id -u)" = 1000 && id -G | grep -qw 2000')],
    volumes: [volume(FileSystemId!, AccessPointId)],
  }));
  const reader = await runToEnd('efs-reader', 'efs-two');
  assert.equal(reader.containerInstanceArn, instance.containerInstanceArn);
  assert.equal(reader.containers![0]!.exitCode, 0, reader.stoppedReason);

  // Without the access point the task sees the whole file system.
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'efs-root-reader',
    containerDefinitions: [container('test -f /mnt/efs/app/hello.txt')],
    volumes: [volume(FileSystemId!)],
  }));

  await wharf.restart();
  ecs = wharf.ecs();
  efs = new EFSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { FileSystems: [described] = [] } = await efs.send(new DescribeFileSystemsCommand({ FileSystemId }));
  assert.equal(described!.NumberOfMountTargets, 1);
  assert.equal(described!.SizeInBytes!.Value, 'written by 1000:1000\n'.length);
  const afterRestart = await runToEnd('efs-root-reader');
  assert.equal(afterRestart.containers![0]!.exitCode, 0, afterRestart.stoppedReason);

  // Deleting a file system with mount targets is refused; without them it goes, with its data.
  await assert.rejects(efs.send(new DeleteFileSystemCommand({ FileSystemId })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'FileSystemInUse' && e.$metadata?.httpStatusCode === 409);
  await efs.send(new DeleteAccessPointCommand({ AccessPointId }));
  await efs.send(new DeleteMountTargetCommand({ MountTargetId }));
  assert.deepEqual((await efs.send(new DescribeMountTargetsCommand({ FileSystemId }))).MountTargets, []);
  await efs.send(new DeleteFileSystemCommand({ FileSystemId }));
  assert.equal(existsSync(root), false);
});

/** Starts `wharf agent` in a cluster of its own and answers its instance once connected. */
async function startAgent(cluster: string, dataDir: string, extra: string[] = []) {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const child = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', cluster, '--data-dir', dataDir, ...extra], { env: { ...wharf.env }, stdio: 'ignore' });
  const instance = await eventually(async () => {
    const { containerInstanceArns: [arn] = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    if (!arn) return undefined;
    const { containerInstances: [ci] = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }));
    return ci?.agentConnected ? ci : undefined;
  }, `the agent of ${cluster} connected`);
  return { child, instance };
}

// The address Wharf's NFS server is reached at by default (the host's first external IPv4 address), which is
// also the address the second agent registers, and so the one client the exports admit.
const hostAddress = privateIp(networkInterfaces());
const nfsUrl = (path: string) => `nfs://${hostAddress}${path}?version=4&nfsport=${nfsPort}`;
const ganesha = existsSync('/usr/bin/ganesha.nfsd') && existsSync('/usr/bin/nfs-cat') && process.getuid?.() === 0 && hostAddress !== undefined;

test('across hosts: the NFS export serves the files a task wrote, squashed through the access point, and another host mounts it through Docker', { skip: !ganesha && 'needs nfs-ganesha, libnfs-utils and root (scripts/setup.mjs)' }, async () => {
  const { FileSystemId } = await efs.send(new CreateFileSystemCommand({ CreationToken: 'across' }));
  const { Subnets = [] } = await new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials }).send(new DescribeSubnetsCommand({}));
  const { MountTargetId } = await efs.send(new CreateMountTargetCommand({ FileSystemId, SubnetId: Subnets[0]!.SubnetId! }));
  const { AccessPointId } = await efs.send(new CreateAccessPointCommand({
    ClientToken: 'across',
    FileSystemId,
    PosixUser: { Uid: 1000, Gid: 1000 },
    RootDirectory: { Path: '/data', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '755' } },
  }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'efs-across-writer',
    containerDefinitions: [container('echo from-task > /mnt/efs/task.txt')],
    volumes: [volume(FileSystemId!, AccessPointId)],
  }));
  const writer = await runToEnd('efs-across-writer');
  assert.equal(writer.containers![0]!.exitCode, 0, writer.stoppedReason);

  // An agent of another host (here: one that says so): the server exports to its host alone.
  const far = await startAgent('efs-far', farAgentDir, ['--host-id', 'another-host']);
  farAgent = far.child;
  assert.ok(far.instance.attributes!.some((a) => a.name === 'wharf.host-id' && a.value === 'another-host'));
  // The export of the access point serves what the task wrote, to the other host's address; the file system's export shows it under /data.
  const text = await eventually(async () => {
    try {
      return execFileSync('nfs-cat', [nfsUrl(`/${AccessPointId}/task.txt`)], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    } catch {
      return undefined;
    }
  }, 'the access point exported');
  assert.equal(text, 'from-task\n');
  assert.match(execFileSync('nfs-ls', [nfsUrl(`/${FileSystemId}/data`)]).toString(), /task\.txt/);
  // A file written as root through the access point belongs to its POSIX user (EFS's squash).
  const local = join(farAgentDir, 'up.txt');
  writeFileSync(local, 'from-nfs\n');
  execFileSync('nfs-cp', [local, nfsUrl(`/${AccessPointId}/up.txt`)]);
  const up = statSync(join(wharf.dataDir, 'efs', FileSystemId!, 'data', 'up.txt'));
  assert.deepEqual([up.uid, up.gid], [1000, 1000]);
  // Through the file system's export root stays root (EFS's default policy grants ClientRootAccess).
  execFileSync('nfs-cp', [local, nfsUrl(`/${FileSystemId}/root.txt`)]);
  assert.equal(statSync(join(wharf.dataDir, 'efs', FileSystemId!, 'root.txt')).uid, 0);

  // Nobody else may mount: not even this host through its loopback address.
  assert.throws(() => execFileSync('nfs-ls', [`nfs://127.0.0.1/${FileSystemId}?version=4&nfsport=${nfsPort}`], { stdio: 'ignore' }));

  // The assignment carries the export, and the agent asks Docker for an nfs4 volume.
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'efs-across-reader',
    containerDefinitions: [container('grep -qx from-task /mnt/efs/task.txt')],
    volumes: [volume(FileSystemId!, AccessPointId)],
  }));
  const reader = await runToEnd('efs-across-reader', 'efs-far');
  assert.equal(reader.containerInstanceArn, far.instance.containerInstanceArn);
  if (readFileSync('/proc/filesystems', 'utf8').includes('nfs4')) {
    assert.equal(reader.containers![0]!.exitCode, 0, reader.containers![0]!.reason);
  } else {
    // This kernel has no NFS client: Docker's mount of the export fails, and ECS words it as a failed EFS mount.
    const options = `addr=${hostAddress!.replaceAll('.', '\\.')},port=${nfsPort},nfsvers=4\\.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport`;
    assert.match(reader.containers![0]!.reason ?? '', new RegExp(`^ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: .*failed to mount local volume: mount :/${AccessPointId}:.*data: ${options}: no such device`));
  }

  await efs.send(new DeleteAccessPointCommand({ AccessPointId }));
  await efs.send(new DeleteMountTargetCommand({ MountTargetId }));
  await efs.send(new DeleteFileSystemCommand({ FileSystemId }));
});

test("ECS refuses EFS volumes it refuses, and a task whose file system has no mount target fails to start", async () => {
  await assert.rejects(
    ecs.send(new RegisterTaskDefinitionCommand({
      family: 'efs-bad',
      containerDefinitions: [container('true')],
      volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', authorizationConfig: { accessPointId: 'fsap-0123456789abcdef0' } } }],
    })),
    (e: Error) => e.name === 'ClientException' && /Transit encryption must be enabled/.test(e.message),
  );
  const { FileSystemId } = await efs.send(new CreateFileSystemCommand({ CreationToken: 'unmounted' }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'efs-unmounted', containerDefinitions: [container('true')], volumes: [volume(FileSystemId!)] }));
  const task = await runToEnd('efs-unmounted');
  assert.match(task.containers![0]!.reason ?? '', /^ResourceInitializationError: .*no mount target/);
  await efs.send(new DeleteFileSystemCommand({ FileSystemId }));
});

test("a task mounting with IAM authorisation gets what the file system policy grants its role: no ClientWrite, read-only", async () => {
  const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');
  // The AWS CLI (botocore's REST-JSON) drives the file system's set-up.
  const { FileSystemId, FileSystemArn } = aws('efs', 'create-file-system', '--creation-token', 'iam', '--encrypted');
  const subnet = aws('ec2', 'describe-subnets').Subnets[0].SubnetId;
  const { MountTargetId } = aws('efs', 'create-mount-target', '--file-system-id', FileSystemId, '--subnet-id', subnet);
  assert.equal(aws('efs', 'describe-file-systems', '--file-system-id', FileSystemId).FileSystems[0].NumberOfMountTargets, 1);

  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Role } = await iam.send(new CreateRoleCommand({
    RoleName: 'efs-reader',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
  }));
  await efs.send(new PutFileSystemPolicyCommand({
    FileSystemId,
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: Role!.Arn }, Action: 'elasticfilesystem:ClientMount', Resource: FileSystemArn }] }),
  }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'efs-iam',
    taskRoleArn: Role!.Arn,
    // Reading works; writing is refused by the read-only mount (the task exits 0 only if both hold).
    containerDefinitions: [container('ls /mnt/efs >/dev/null && ! touch /mnt/efs/nope 2>/dev/null')],
    volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: FileSystemId, transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } } }],
  }));
  const task = await runToEnd('efs-iam');
  assert.equal(task.containers![0]!.exitCode, 0, task.containers![0]!.reason ?? task.stoppedReason);
  assert.equal(existsSync(join(wharf.dataDir, 'efs', FileSystemId, 'nope')), false);

  aws('efs', 'delete-mount-target', '--mount-target-id', MountTargetId);
  aws('efs', 'delete-file-system', '--file-system-id', FileSystemId);
});
