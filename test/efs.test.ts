// EFS end to end, as a user does it with @aws-sdk/client-efs and ECS: a file system with a mount target and
// an access point; a task writes through the volume as the access point's user and stops; its replacement,
// on another container instance (a second `wharf agent`), reads what it wrote; the data outlives a restart;
// deleting the file system is refused while it has mount targets, and removes its data once it has none.
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
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;
let efs: EFSClient;
let agent: ChildProcess | undefined;
const agentDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  efs = new EFSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
});
after(async () => {
  try {
    await wharf?.drain();
  } finally {
    agent?.kill('SIGTERM');
    await wharf?.stop();
    rmSync(agentDir, { recursive: true, force: true });
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
  await ecs.send(new CreateClusterCommand({ clusterName: 'efs-two' }));
  agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', 'efs-two', '--data-dir', agentDir], { env: { ...wharf.env }, stdio: 'ignore' });
  const instance = await eventually(async () => {
    const { containerInstanceArns: [arn] = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'efs-two' }));
    if (!arn) return undefined;
    const { containerInstances: [ci] = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'efs-two', containerInstances: [arn] }));
    return ci?.agentConnected ? ci : undefined;
  }, 'the second agent connected');
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
