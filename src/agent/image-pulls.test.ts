// The agent's image pulls: ECR names resolved to the registry GetAuthorizationToken names (a stub ECR
// endpoint here), and ECS_IMAGE_PULL_BEHAVIOR, over a runtime that records its pulls.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { ContainerRuntime, RegistryAuth } from '../core/runtime.js';
import { ImagePulls, imagePullBehavior, type ImagePullBehavior } from './image-pulls.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
let server: Server;
let endpoint: string;
let tokenCalls = 0;

before(async () => {
  server = createServer((req, res) => {
    tokenCalls++;
    req.resume();
    const authorizationToken = Buffer.from('AWS:secret').toString('base64');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ authorizationData: [{ authorizationToken, proxyEndpoint: 'http://127.0.0.1:5999', expiresAt: Date.now() / 1000 + 43_200 }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function fakeRuntime(present: Set<string>, failPulls = false) {
  const pulls: { image: string; auth?: RegistryAuth }[] = [];
  const runtime = {
    hasImage: async (image: string) => present.has(image),
    pullImage: async (image: string, _signal?: AbortSignal, auth?: RegistryAuth) => {
      pulls.push({ image, ...(auth && { auth }) });
      if (failPulls) throw new Error('manifest unknown: not found');
      present.add(image);
    },
    imageDigest: async () => 'sha256:' + 'a'.repeat(64),
  } as unknown as ContainerRuntime;
  return { runtime, pulls };
}

const task = { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/1', taskDefinition: { containerDefinitions: [] } } as unknown as TaskAssignment;
const signal = new AbortController().signal;
const ECR_IMAGE = '000000000000.dkr.ecr.us-east-1.amazonaws.com/team/app:v1';

const pulls = (behavior: ImagePullBehavior, present: Set<string>, failPulls = false) => {
  const fake = fakeRuntime(present, failPulls);
  const images = new ImagePulls({ runtime: fake.runtime, ecr: { endpoint, region: 'us-east-1', instanceCredentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, executionCredentials: () => undefined }, behavior, log: quiet });
  return { images, pulls: fake.pulls };
};

describe('image pulls', () => {
  it('pulls an ECR image from the registry GetAuthorizationToken names, with its token, and reports the digest', async () => {
    const { images, pulls: made } = pulls('default', new Set());
    const run = await images.ensure(task, ECR_IMAGE, signal, () => {});
    assert.deepEqual(run, { image: '127.0.0.1:5999/team/app:v1', digest: `sha256:${'a'.repeat(64)}` });
    assert.deepEqual(made, [{ image: '127.0.0.1:5999/team/app:v1', auth: { username: 'AWS', password: 'secret', serveraddress: '127.0.0.1:5999' } }]);
    // The registry's own address is logged in to the same way.
    const calls = tokenCalls;
    await images.ensure(task, '127.0.0.1:5999/team/app:v2', signal, () => {});
    assert.equal(made[1]!.auth?.password, 'secret');
    assert.equal(tokenCalls, calls, 'the token is kept');
  });

  it('follows ECS_IMAGE_PULL_BEHAVIOR', async () => {
    const cached = () => new Set(['127.0.0.1:5999/team/app:v1']);
    // default: pulls, and falls back to the cached copy when the pull fails.
    const byDefault = pulls('default', cached(), true);
    assert.equal((await byDefault.images.ensure(task, ECR_IMAGE, signal, () => {})).image, '127.0.0.1:5999/team/app:v1');
    assert.equal(byDefault.pulls.length, 1);
    // always: a failed pull fails, in ECS's words.
    await assert.rejects(pulls('always', cached(), true).images.ensure(task, ECR_IMAGE, signal, () => {}), /failed to resolve ref .*team\/app:v1: .*not found/);
    // prefer-cached: no pull while cached.
    const preferCached = pulls('prefer-cached', cached());
    await preferCached.images.ensure(task, ECR_IMAGE, signal, () => {});
    assert.equal(preferCached.pulls.length, 0);
    // once: the first use pulls, the next does not.
    const once = pulls('once', cached());
    await once.images.ensure(task, ECR_IMAGE, signal, () => {});
    await once.images.ensure(task, ECR_IMAGE, signal, () => {});
    assert.equal(once.pulls.length, 1);
    // Other images: used when present, pulled when not.
    const local = pulls('always', new Set(['wharf-test/busybox:latest']));
    await local.images.ensure(task, 'wharf-test/busybox:latest', signal, () => {});
    assert.equal(local.pulls.length, 0);
    assert.throws(() => imagePullBehavior('sometimes'), /ECS_IMAGE_PULL_BEHAVIOR must be one of/);
  });
});
