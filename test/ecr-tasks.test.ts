// Tasks running ECR images, end to end: a task and a service by the image's ECR URI and by the registry's
// own address (imageDigest reported), a missing tag and a refused pull stopping the task with ECS's
// CannotPullContainerError, and pulls made as the task's execution role (IAM roles that may or may not pull).
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ACCOUNT, ecrWorld, type EcrWorld } from './ecr-fixture.js';
import { eventually } from './wharf-process.js';

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
      w.ecs.send(new RegisterTaskDefinitionCommand({ family: `ecr-${run}`, containerDefinitions: [{ name: 'app', image, memory: 64, command: ['sleep', '300'], essential: true }] }));
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
          containerDefinitions: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}:v1`, memory: 64, command: ['sleep', '300'] }],
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

});
