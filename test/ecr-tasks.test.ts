// Tasks running ECR images, end to end: a task and a service by the image's ECR URI and by the registry's
// own address (imageDigest reported), a missing tag and a refused pull stopping the task with ECS's
// CannotPullContainerError, pulls made as the task's execution role (IAM roles that may or may not pull),
// and a second agent, on an instance role that may not pull, pulling an image its Docker engine does not
// have for a task and a service placed on it.
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type PlacementConstraint,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJoinedInstance } from '../src/agent/instance-credentials.js';
import { ACCOUNT, ecrWorld, type EcrWorld } from './ecr-fixture.js';
import { WHARF_BIN, eventually } from './wharf-process.js';

const run = randomBytes(3).toString('hex');
let w: EcrWorld;
before(async () => void (w = await ecrWorld()));
after(() => w?.close());

describe('ECR images in tasks', () => {
  it('runs a task and a service from the image by its ECR URI, and reports its digest', async () => {
    const name = `svc-${run}`;
    const repo = await w.repository(name);
    w.build(`${repo}:live`, `task-${run}`);
    w.dockerOk(['push', `${repo}:live`]);
    const digest = w.digestOf(`${repo}:live`);
    w.dockerOk(['rmi', `${repo}:live`]);
    const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}`;
    const register = (image: string) =>
      w.ecs.send(new RegisterTaskDefinitionCommand({ family: `ecr-${run}`, containerDefinitions: [{ name: 'app', image, memory: 64, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"], essential: true }] }));
    // Named by the registry's own address, the image is pulled with the agent's login too.
    const direct = (await register(`${repo}:live`)).taskDefinition!.taskDefinitionArn!;
    const { tasks: [directTask] = [] } = await w.ecs.send(new RunTaskCommand({ taskDefinition: direct }));
    await eventually(async () => {
      const [task] = (await w.ecs.send(new DescribeTasksCommand({ tasks: [directTask!.taskArn!] }))).tasks ?? [];
      if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.containers?.[0]?.reason}`);
      return task?.lastStatus === 'RUNNING' ? task : undefined;
    }, 'the task naming the registry running');
    const good = (await register(`${uri}:live`)).taskDefinition!.taskDefinitionArn!;
    const { tasks = [] } = await w.ecs.send(new RunTaskCommand({ taskDefinition: good }));
    const running = await eventually(async () => {
      const [task] = (await w.ecs.send(new DescribeTasksCommand({ tasks: [tasks[0]!.taskArn!] }))).tasks ?? [];
      if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.containers?.[0]?.reason}`);
      return task?.lastStatus === 'RUNNING' ? task : undefined;
    }, 'the task from ECR running');
    assert.equal(running.containers![0]!.imageDigest, digest);

    await w.ecs.send(new CreateServiceCommand({ serviceName: `ecr-${run}`, taskDefinition: good, desiredCount: 1 }));
    await eventually(async () => {
      const [service] = (await w.ecs.send(new DescribeServicesCommand({ services: [`ecr-${run}`] }))).services ?? [];
      return service?.runningCount === 1 ? true : undefined;
    }, 'the service running its task');

    // A tag the repository does not have: ECS's CannotPullContainerError.
    const missing = (await register(`${uri}:absent`)).taskDefinition!.taskDefinitionArn!;
    const { tasks: failed = [] } = await w.ecs.send(new RunTaskCommand({ taskDefinition: missing }));
    const stopped = await eventually(async () => {
      const [task] = (await w.ecs.send(new DescribeTasksCommand({ tasks: [failed[0]!.taskArn!] }))).tasks ?? [];
      return task?.lastStatus === 'STOPPED' ? task : undefined;
    }, 'the task of a missing image stopped');
    assert.match(stopped.containers![0]!.reason!, new RegExp(`^CannotPullContainerError: .*failed to resolve ref ${uri}:absent: .*not found`));
  });

  it("pulls as the task's execution role: one that may not pull stops the task with ECS's words", async () => {
    const name = `exec-${run}`;
    const repo = await w.repository(name);
    w.build(`${repo}:v1`, `exec-${run}`);
    w.dockerOk(['push', `${repo}:v1`]);
    w.dockerOk(['rmi', `${repo}:v1`]);
    const iam = new IAMClient({ endpoint: w.wharf.endpoint, region: 'us-east-1', credentials: w.wharf.credentials });
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = async (roleName: string, actions: string[]) => {
      const { Role } = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'ecr', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
      return Role!.Arn!;
    };
    const loginOnly = await role(`ecr-login-${run}`, ['ecr:GetAuthorizationToken']);
    const puller = await role(`ecr-pull-${run}`, ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']);
    const runAs = async (executionRoleArn: string) => {
      const { taskDefinition } = await w.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `exec-${run}`,
          executionRoleArn,
          containerDefinitions: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}:v1`, memory: 64, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }],
        }),
      );
      const { tasks = [] } = await w.ecs.send(new RunTaskCommand({ taskDefinition: taskDefinition!.taskDefinitionArn! }));
      return eventually(async () => {
        const [task] = (await w.ecs.send(new DescribeTasksCommand({ tasks: [tasks[0]!.taskArn!] }))).tasks ?? [];
        return task?.lastStatus === 'RUNNING' || task?.lastStatus === 'STOPPED' ? task : undefined;
      }, 'the task running or stopped');
    };
    // Refused first: once pulled, the default pull behaviour would run the cached copy.
    const refused = await runAs(loginOnly);
    assert.equal(refused.lastStatus, 'STOPPED');
    assert.match(refused.containers![0]!.reason!, /^CannotPullContainerError: .*pull access denied/);
    const allowed = await runAs(puller);
    assert.equal(allowed.lastStatus, 'RUNNING', allowed.containers?.[0]?.reason);
    iam.destroy();
  });

  it('pulls on a second agent whose Docker engine lacks the image, with the execution role, for a task and a service', async () => {
    const name = `second-${run}`;
    const repo = await w.repository(name);
    w.build(`${repo}:v1`, `second-${run}`);
    const imageId = w.dockerOk(['inspect', '--format', '{{.Id}}', `${repo}:v1`]).trim();
    w.dockerOk(['push', `${repo}:v1`]);
    const digest = w.digestOf(`${repo}:v1`);
    w.dockerOk(['rmi', `${repo}:v1`]);
    assert.notEqual(w.docker(['image', 'inspect', imageId]).status, 0, 'the engine no longer has the image');

    // The second instance's role runs the agent but may not pull from ECR (AmazonEC2ContainerServiceforEC2Role
    // without its ecr: actions): only the execution role's rights can bring the image.
    const iam = new IAMClient({ endpoint: w.wharf.endpoint, region: 'us-east-1', credentials: w.wharf.credentials });
    const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
    const node = `ecr-node-${run}`;
    await iam.send(new CreateRoleCommand({ RoleName: node, AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
    const agentActions = ['ec2:DescribeTags', 'ecs:CreateCluster', 'ecs:DeregisterContainerInstance', 'ecs:DiscoverPollEndpoint', 'ecs:Poll', 'ecs:RegisterContainerInstance', 'ecs:StartTelemetrySession', 'ecs:UpdateContainerInstancesState', 'ecs:Submit*', 'ecs:TagResource', 'logs:CreateLogStream', 'logs:PutLogEvents'];
    await iam.send(new PutRolePolicyCommand({ RoleName: node, PolicyName: 'agent', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: agentActions, Resource: '*' }] }) }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: node }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: node, RoleName: node }));
    const { Role: execution } = await iam.send(new CreateRoleCommand({ RoleName: `ecr-exec-${run}`, AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com') }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: `ecr-exec-${run}`, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }));
    iam.destroy();

    const agentDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));
    const agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', w.wharf.endpoint, '--cluster', 'default', '--instance-profile', node, '--data-dir', agentDir], {
      env: w.wharf.env,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => agent.once('exit', resolve));
    try {
      const second = await eventually(async () => {
        const joined = await readJoinedInstance(agentDir);
        const { containerInstanceArns = [] } = await w.ecs.send(new ListContainerInstancesCommand({}));
        const { containerInstances = [] } = await w.ecs.send(new DescribeContainerInstancesCommand({ containerInstances: containerInstanceArns }));
        return containerInstances.find((i) => i.ec2InstanceId === joined?.instanceId && i.agentConnected);
      }, 'the second agent connected');
      const onSecond: PlacementConstraint[] = [{ type: 'memberOf', expression: `ec2InstanceId == ${second.ec2InstanceId}` }];
      const register = async (executionRoleArn?: string) =>
        (
          await w.ecs.send(
            new RegisterTaskDefinitionCommand({
              family: `second-${run}`,
              ...(executionRoleArn && { executionRoleArn }),
              containerDefinitions: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}:v1`, memory: 64, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }],
            }),
          )
        ).taskDefinition!.taskDefinitionArn!;
      const settled = (taskArn: string) =>
        eventually(async () => {
          const [task] = (await w.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks ?? [];
          return task?.lastStatus === 'RUNNING' || task?.lastStatus === 'STOPPED' ? task : undefined;
        }, 'the task running or stopped', 120_000);
      const runOnSecond = async (taskDefinition: string): Promise<Task> => {
        const { tasks: [task] = [], failures } = await w.ecs.send(new RunTaskCommand({ taskDefinition, placementConstraints: onSecond }));
        assert.deepEqual(failures, []);
        assert.equal(task!.containerInstanceArn, second.containerInstanceArn);
        return settled(task!.taskArn!);
      };

      // Without an execution role the instance role logs in to pull, and it may not.
      const refused = await runOnSecond(await register());
      assert.equal(refused.lastStatus, 'STOPPED');
      assert.match(refused.containers![0]!.reason!, new RegExp(`^CannotPullContainerError: .*assumed-role/${node}/.* is not authorized to perform: ecr:GetAuthorizationToken`));
      assert.notEqual(w.docker(['image', 'inspect', imageId]).status, 0, 'nothing was pulled');

      const withRole = await register(execution!.Arn!);
      const running = await runOnSecond(withRole);
      assert.equal(running.lastStatus, 'RUNNING', running.containers?.[0]?.reason);
      assert.equal(running.containers![0]!.imageDigest, digest);
      assert.equal(w.dockerOk(['image', 'inspect', '--format', '{{.Id}}', `${repo}:v1`]).trim(), imageId, 'the image came from the registry');
      const [pulled] = (await w.ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails ?? [];
      assert.ok(pulled?.lastRecordedPullTime, 'the registry recorded the pull');

      const service = `second-${run}`;
      await w.ecs.send(new CreateServiceCommand({ serviceName: service, taskDefinition: withRole, desiredCount: 1, placementConstraints: onSecond }));
      await eventually(async () => {
        const [described] = (await w.ecs.send(new DescribeServicesCommand({ services: [service] }))).services ?? [];
        return described?.runningCount === 1 ? true : undefined;
      }, 'the service running its task', 120_000);
      const { taskArns = [] } = await w.ecs.send(new ListTasksCommand({ serviceName: service }));
      const [serviceTask] = (await w.ecs.send(new DescribeTasksCommand({ tasks: taskArns }))).tasks ?? [];
      assert.equal(serviceTask!.containerInstanceArn, second.containerInstanceArn);
      assert.equal(serviceTask!.containers![0]!.imageDigest, digest);
    } finally {
      // The agent removes its containers while it still runs.
      await w.wharf.drain();
      agent.kill('SIGTERM');
      await exited;
      rmSync(agentDir, { recursive: true, force: true });
    }
  });
});
