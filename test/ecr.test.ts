// ECR end to end, with the real docker CLI against a real `wharf up`: `aws ecr get-login-password | docker
// login`, a multi-layer image built FROM wharf-test/busybox pushed and pulled, a task and a service running
// it by its ECR URI (imageDigest reported), an immutable tag refused, a lifecycle policy expiring untagged
// images, a scan finding from test/fixtures/advisories.json, blobs deleted with the last image naming them,
// and the registry's refusals (no or a forged token, wrong digests, missing blobs, oversize manifests).
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  ECRClient,
  GetLifecyclePolicyPreviewCommand,
  PutImageCommand,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { eventually, freePort, startWharf, type WharfProcess } from './wharf-process.js';

let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);

const ACCOUNT = '000000000000';
const run = randomBytes(3).toString('hex');

let wharf: WharfProcess;
let ecr: ECRClient;
let ecs: ECSClient;
let registry: string;
let dockerConfig: string;
let work: string;
const built = new Set<string>();

const docker = (args: string[], input?: string) =>
  spawnSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, input, encoding: 'utf8' });
const dockerOk = (args: string[], input?: string) => {
  const out = docker(args, input);
  assert.equal(out.status, 0, `docker ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
};

/** Builds a three-layer image (busybox, a dpkg status file, a unique file) tagged `name`; its layers differ per `seed`. */
function build(name: string, seed: string, demoLibVersion = '1.1.0-3'): void {
  const dir = mkdtempSync(join(work, 'build-'));
  writeFileSync(join(dir, 'status'), `Package: wharf-demo-lib\nStatus: install ok installed\nVersion: ${demoLibVersion}\nArchitecture: amd64\n\nPackage: base-files\nStatus: install ok installed\nVersion: 12.4\n`);
  writeFileSync(join(dir, 'Dockerfile'), `FROM wharf-test/busybox\nCOPY status /var/lib/dpkg/status\nRUN echo ${seed} > /seed\n`);
  dockerOk(['build', '-q', '-t', name, dir]);
  built.add(name);
}

const digestOf = (name: string) => dockerOk(['inspect', '--format', '{{index .RepoDigests 0}}', name]).trim().split('@')[1]!;

async function repository(name: string, options: { immutable?: boolean; scanOnPush?: boolean } = {}) {
  await ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      ...(options.immutable && { imageTagMutability: 'IMMUTABLE' }),
      ...(options.scanOnPush && { imageScanningConfiguration: { scanOnPush: true } }),
    }),
  );
  return `${registry}/${name}`;
}

before(async () => {
  const registryPort = await freePort();
  wharf = await startWharf({ args: ['--registry-port', String(registryPort)] });
  registry = `127.0.0.1:${registryPort}`;
  ecr = new ECRClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  ecs = wharf.ecs();
  work = mkdtempSync(join(tmpdir(), 'wharf-ecr-'));
  dockerConfig = join(work, 'docker');
  mkdirSync(dockerConfig);
  // The operator's advisories: the shipped test file.
  mkdirSync(join(wharf.dataDir, 'advisories'));
  copyFileSync(join(root, 'test', 'fixtures', 'advisories.json'), join(wharf.dataDir, 'advisories', 'test.json'));
  const password = execFileSync('aws', ['ecr', 'get-login-password'], { env: wharf.env, encoding: 'utf8' });
  dockerOk(['login', '--username', 'AWS', '--password-stdin', registry], password);
});

after(async () => {
  await wharf?.stop();
  // Every image this suite built, pushed or had the agent pull.
  const pulled = docker(['images', '--format', '{{.Repository}}:{{.Tag}}']).stdout.split('\n').filter((n) => n.startsWith(`${registry}/`));
  const names = [...new Set([...built, ...pulled])];
  if (names.length) docker(['rmi', '-f', ...names]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('ECR', () => {
  it('pushes a multi-layer image with docker and pulls it back', async () => {
    const repo = await repository(`app-${run}`);
    build(`${repo}:v1`, `push-${run}`);
    const pushed = dockerOk(['push', `${repo}:v1`]);
    assert.match(pushed, /v1: digest: sha256:[a-f0-9]{64}/);
    const digest = digestOf(`${repo}:v1`);
    const { imageDetails = [] } = await ecr.send(new DescribeImagesCommand({ repositoryName: `app-${run}` }));
    assert.equal(imageDetails.length, 1);
    assert.equal(imageDetails[0]!.imageDigest, digest);
    assert.deepEqual(imageDetails[0]!.imageTags, ['v1']);
    assert.ok(imageDetails[0]!.imageSizeInBytes! > 100_000);
    assert.equal(imageDetails[0]!.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const { images = [] } = await ecr.send(new BatchGetImageCommand({ repositoryName: `app-${run}`, imageIds: [{ imageTag: 'v1' }] }));
    const manifest = JSON.parse(images[0]!.imageManifest!);
    assert.equal(manifest.layers.length, 3);
    assert.equal(`sha256:${createHash('sha256').update(images[0]!.imageManifest!).digest('hex')}`, digest);

    dockerOk(['rmi', `${repo}:v1`]);
    dockerOk(['pull', `${repo}:v1`]);
    assert.equal(dockerOk(['run', '--rm', `${repo}:v1`, 'cat', '/seed']).trim(), `push-${run}`);
  });

  it('runs a task and a service from the image by its ECR URI, and reports its digest', async () => {
    const name = `svc-${run}`;
    const repo = await repository(name);
    build(`${repo}:live`, `task-${run}`);
    dockerOk(['push', `${repo}:live`]);
    const digest = digestOf(`${repo}:live`);
    dockerOk(['rmi', `${repo}:live`]);
    const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}`;
    const register = (image: string) =>
      ecs.send(new RegisterTaskDefinitionCommand({ family: `ecr-${run}`, containerDefinitions: [{ name: 'app', image, memory: 64, command: ['sleep', '300'], essential: true }] }));
    // Named by the registry's own address, the image is pulled with the agent's login too.
    const direct = (await register(`${repo}:live`)).taskDefinition!.taskDefinitionArn!;
    const { tasks: [directTask] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: direct }));
    await eventually(async () => {
      const [task] = (await ecs.send(new DescribeTasksCommand({ tasks: [directTask!.taskArn!] }))).tasks ?? [];
      if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.containers?.[0]?.reason}`);
      return task?.lastStatus === 'RUNNING' ? task : undefined;
    }, 'the task naming the registry running');
    const good = (await register(`${uri}:live`)).taskDefinition!.taskDefinitionArn!;
    const { tasks = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: good }));
    const running = await eventually(async () => {
      const [task] = (await ecs.send(new DescribeTasksCommand({ tasks: [tasks[0]!.taskArn!] }))).tasks ?? [];
      if (task?.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.containers?.[0]?.reason}`);
      return task?.lastStatus === 'RUNNING' ? task : undefined;
    }, 'the task from ECR running');
    assert.equal(running.containers![0]!.imageDigest, digest);

    await ecs.send(new CreateServiceCommand({ serviceName: `ecr-${run}`, taskDefinition: good, desiredCount: 1 }));
    await eventually(async () => {
      const [service] = (await ecs.send(new DescribeServicesCommand({ services: [`ecr-${run}`] }))).services ?? [];
      return service?.runningCount === 1 ? true : undefined;
    }, 'the service running its task');

    // A tag the repository does not have: ECS's CannotPullContainerError.
    const missing = (await register(`${uri}:absent`)).taskDefinition!.taskDefinitionArn!;
    const { tasks: failed = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: missing }));
    const stopped = await eventually(async () => {
      const [task] = (await ecs.send(new DescribeTasksCommand({ tasks: [failed[0]!.taskArn!] }))).tasks ?? [];
      return task?.lastStatus === 'STOPPED' ? task : undefined;
    }, 'the task of a missing image stopped');
    assert.match(stopped.containers![0]!.reason!, new RegExp(`^CannotPullContainerError: .*failed to resolve ref ${uri}:absent: .*not found`));
  });

  it("pulls as the task's execution role: one that may not pull stops the task with ECS's words", async () => {
    const name = `exec-${run}`;
    const repo = await repository(name);
    build(`${repo}:v1`, `exec-${run}`);
    dockerOk(['push', `${repo}:v1`]);
    dockerOk(['rmi', `${repo}:v1`]);
    const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = async (roleName: string, actions: string[]) => {
      const { Role } = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'ecr', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
      return Role!.Arn!;
    };
    const loginOnly = await role(`ecr-login-${run}`, ['ecr:GetAuthorizationToken']);
    const puller = await role(`ecr-pull-${run}`, ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']);
    const runAs = async (executionRoleArn: string) => {
      const { taskDefinition } = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `exec-${run}`,
          executionRoleArn,
          containerDefinitions: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}:v1`, memory: 64, command: ['sleep', '300'] }],
        }),
      );
      const { tasks = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: taskDefinition!.taskDefinitionArn! }));
      return eventually(async () => {
        const [task] = (await ecs.send(new DescribeTasksCommand({ tasks: [tasks[0]!.taskArn!] }))).tasks ?? [];
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

  it('refuses to move a tag in an immutable repository', async () => {
    const name = `frozen-${run}`;
    const repo = await repository(name, { immutable: true });
    build(`${repo}:v1`, `frozen-a-${run}`);
    dockerOk(['push', `${repo}:v1`]);
    // Pushing the same image again is fine; another image under the tag is not.
    dockerOk(['push', `${repo}:v1`]);
    build(`${repo}:v1`, `frozen-b-${run}`);
    const refused = docker(['push', `${repo}:v1`]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr + refused.stdout, /cannot be overwritten because the repository is immutable/);
    const { images = [] } = await ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    await assert.rejects(
      ecr.send(new PutImageCommand({ repositoryName: name, imageTag: 'v2', imageManifest: images[0]!.imageManifest! })).then(() =>
        ecr.send(new PutImageCommand({ repositoryName: name, imageTag: 'v2', imageManifest: images[0]!.imageManifest!.replace(/\s*$/, ' ') })),
      ),
      (err: Error) => err.name === 'ImageTagAlreadyExistsException',
    );
  });

  it('expires untagged images by lifecycle policy, previewed first', async () => {
    const name = `tidy-${run}`;
    const repo = await repository(name);
    for (const n of [1, 2, 3]) {
      build(`${repo}:latest`, `tidy-${n}-${run}`);
      dockerOk(['push', `${repo}:latest`]);
    }
    const images = async () => (await ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails ?? [];
    assert.equal((await images()).filter((i) => !i.imageTags).length, 2);
    const lifecyclePolicyText = JSON.stringify({
      rules: [{ rulePriority: 1, description: 'keep one untagged image', selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }],
    });
    await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: name, lifecyclePolicyText }));
    const preview = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: name }));
    assert.equal(preview.status, 'COMPLETE');
    assert.equal(preview.summary?.expiringImageTotalCount, 1);
    const oldest = (await images()).filter((i) => !i.imageTags).sort((a, b) => a.imagePushedAt!.getTime() - b.imagePushedAt!.getTime())[0]!;
    assert.equal(preview.previewResults![0]!.imageDigest, oldest.imageDigest);

    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText }));
    await eventually(async () => ((await images()).length === 2 ? true : undefined), 'the oldest untagged image expired');
    assert.ok(!(await images()).some((i) => i.imageDigest === oldest.imageDigest));
  });

  it('scans on push and reports a finding from the advisory file', async () => {
    const name = `scanned-${run}`;
    const repo = await repository(name, { scanOnPush: true });
    build(`${repo}:v1`, `scan-${run}`);
    dockerOk(['push', `${repo}:v1`]);
    const findings = await eventually(async () => {
      const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: name, imageId: { imageTag: 'v1' } }));
      return out.imageScanStatus?.status === 'COMPLETE' ? out : undefined;
    }, 'the scan complete');
    assert.deepEqual(findings.imageScanFindings?.findingSeverityCounts, { HIGH: 1 });
    const [finding] = findings.imageScanFindings!.findings!;
    assert.equal(finding!.name, 'CVE-2099-0001');
    assert.deepEqual(finding!.attributes, [{ key: 'package_name', value: 'wharf-demo-lib' }, { key: 'package_version', value: '1.1.0-3' }]);
    const { imageDetails = [] } = await ecr.send(new DescribeImagesCommand({ repositoryName: name }));
    assert.equal(imageDetails[0]!.imageScanStatus?.status, 'COMPLETE');
  });

  it('deletes blobs once no image names them, and keeps those another repository holds', async () => {
    const blobs = () => new Set(readdirSync(join(wharf.dataDir, 'registry', 'blobs', 'sha256')));
    const name = `gc-${run}`;
    const repo = await repository(name);
    build(`${repo}:v1`, `gc-${run}`);
    dockerOk(['push', `${repo}:v1`]);
    const { images = [] } = await ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    const manifest = JSON.parse(images[0]!.imageManifest!) as { config: { digest: string }; layers: { digest: string }[] };
    const [base, , unique] = manifest.layers.map((l) => l.digest.slice('sha256:'.length));
    assert.ok(blobs().has(unique!) && blobs().has(base!));
    const { imageIds = [] } = await ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    assert.equal(imageIds.length, 1);
    const after = blobs();
    assert.ok(!after.has(unique!), 'the layer only this image had is deleted');
    assert.ok(!after.has(manifest.config.digest.slice('sha256:'.length)), 'its config is deleted');
    assert.ok(after.has(base!), 'busybox, which other repositories hold, stays');
  });

  it('refuses pushes without a token or with a forged one, wrong digests, missing blobs and oversize manifests', async () => {
    const name = `guard-${run}`;
    await repository(name);
    const base = `http://${registry}/v2/${name}`;
    assert.equal((await fetch(`${base}/tags/list`)).status, 401);
    assert.match((await fetch(`http://${registry}/v2/`)).headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const forged = `Basic ${Buffer.from('AWS:not-a-token').toString('base64')}`;
    assert.equal((await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { authorization: forged } })).status, 401);
    const badLogin = docker(['login', '--username', 'AWS', '--password-stdin', registry], 'not-a-token');
    assert.notEqual(badLogin.status, 0);
    // Log in again: the failed login left docker's stored credentials as they were, but be sure.
    dockerOk(['login', '--username', 'AWS', '--password-stdin', registry], execFileSync('aws', ['ecr', 'get-login-password'], { env: wharf.env, encoding: 'utf8' }));

    const token = execFileSync('aws', ['ecr', 'get-login-password'], { env: wharf.env, encoding: 'utf8' }).trim();
    const authorization = `Basic ${Buffer.from(`AWS:${token}`).toString('base64')}`;
    const body = Buffer.from('some layer bytes');
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const wrong = await fetch(`${base}/blobs/uploads/?digest=sha256:${'0'.repeat(64)}`, { method: 'POST', headers: { authorization }, body });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { errors: { code: string }[] }).errors[0]!.code, 'DIGEST_INVALID');
    assert.equal((await fetch(`${base}/blobs/${digest}`, { method: 'HEAD', headers: { authorization } })).status, 404, 'no partial blob is visible');
    // Chunked: two PATCHes, the second out of order first, then the PUT with the digest.
    const started = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { authorization } });
    assert.equal(started.status, 202);
    const location = new URL(started.headers.get('location')!, `http://${registry}`).toString();
    const outOfOrder = await fetch(location, { method: 'PATCH', headers: { authorization, 'content-range': '5-9' }, body: body.subarray(5, 10) });
    assert.equal(outOfOrder.status, 416);
    const first = await fetch(location, { method: 'PATCH', headers: { authorization, 'content-range': '0-4' }, body: body.subarray(0, 5) });
    assert.equal(first.headers.get('range'), '0-4');
    assert.equal((await fetch(location, { method: 'GET', headers: { authorization } })).headers.get('range'), '0-4');
    await fetch(location, { method: 'PATCH', headers: { authorization }, body: body.subarray(5) });
    const done = await fetch(`${location}?digest=${digest}`, { method: 'PUT', headers: { authorization } });
    assert.equal(done.status, 201);
    assert.equal(await (await fetch(`${base}/blobs/${digest}`, { headers: { authorization } })).text(), 'some layer bytes');
    const ranged = await fetch(`${base}/blobs/${digest}`, { headers: { authorization, range: 'bytes=5-9' } });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), 'layer');

    const manifest = (layer: string) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: body.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 1 }],
      });
    const headers = { authorization, 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
    const missing = await fetch(`${base}/manifests/v1`, { method: 'PUT', headers, body: manifest(`sha256:${'1'.repeat(64)}`) });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { errors: { code: string }[] }).errors[0]!.code, 'MANIFEST_BLOB_UNKNOWN');
    const oversize = await fetch(`${base}/manifests/v1`, { method: 'PUT', headers, body: manifest(digest) + ' '.repeat(4 * 1024 * 1024) });
    assert.equal(oversize.status, 413);
    const put = await fetch(`${base}/manifests/v1`, { method: 'PUT', headers, body: manifest(digest) });
    assert.equal(put.status, 201);
    const wrongDigest = await fetch(`${base}/manifests/sha256:${'2'.repeat(64)}`, { method: 'PUT', headers, body: manifest(digest) });
    assert.equal(wrongDigest.status, 400);
    // The referrers API: an artifact whose subject is the image.
    const subject = put.headers.get('docker-content-digest')!;
    const artifact = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.example.sbom',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest, size: body.length },
      layers: [],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: manifest(digest).length },
    });
    assert.equal((await fetch(`${base}/manifests/sbom`, { method: 'PUT', headers, body: artifact })).status, 201);
    const referrers = (await (await fetch(`${base}/referrers/${subject}`, { headers: { authorization } })).json()) as { manifests: { artifactType: string }[] };
    assert.deepEqual(referrers.manifests.map((m) => m.artifactType), ['application/vnd.example.sbom']);
  });
});
