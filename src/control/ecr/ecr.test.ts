// ECR's control plane through its control functions and the registry backend, over real blobs in a temp
// dir and a manual clock: tokens and their 12 hours, IAM with repository policies, tags and deletes,
// lifecycle expiry by age.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RegistryError, type ParsedManifest } from '../../core/ecr-registry.js';
import type { AwsError } from '../../core/errors.js';
import { openRegistry } from '../../registry/registry.js';
import { fixture } from '../ecs/fixtures.js';
import { createUser } from '../iam/create-user.js';
import { putUserPolicy } from '../iam/inline-policies.js';
import { batchDeleteImage } from './batch-delete-image.js';
import { sweepBlobs } from './blob-sweep.js';
import { createRepository } from './create-repository.js';
import { deleteRepository } from './delete-repository.js';
import { describeImages } from './describe-images.js';
import { getAuthorizationToken } from './get-authorization-token.js';
import { recordImage } from './images.js';
import { applyLifecyclePolicy } from './lifecycle-controller.js';
import { putLifecyclePolicy } from './lifecycle-policy.js';
import { listImages } from './list-images.js';
import { EcrRegistryBackend } from './registry-backend.js';
import { blobScope } from './repositories.js';
import { setRepositoryPolicy } from './repository-policy.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;
const DAY = 24 * 60 * 60 * 1000;

async function world() {
  const f = await fixture();
  const dir = mkdtempSync(join(tmpdir(), 'wharf-ecr-unit-'));
  dirs.push(dir);
  const registry = await openRegistry(dir, f.ctx.log);
  f.ctx.registry = registry.ports;
  return { ...f, blobs: registry.ports.blobs, backend: new EcrRegistryBackend(f.ctx, { permissive: false }) };
}

/** Stores a config and a layer and records a manifest naming them, under `tag`. */
async function push(w: Awaited<ReturnType<typeof world>>, repositoryName: string, seed: string, tag?: string) {
  const scope = blobScope(w.ctx, repositoryName);
  const descriptor = async (bytes: string, mediaType: string) => {
    const digest = await w.blobs.put(Buffer.from(bytes));
    await w.blobs.link(scope, digest);
    return { mediaType, digest, size: bytes.length };
  };
  const blobs = [await descriptor(`config ${seed}`, 'application/vnd.oci.image.config.v1+json'), await descriptor(`layer ${seed}`, 'application/vnd.oci.image.layer.v1.tar')];
  const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: blobs[0], layers: [blobs[1]] });
  const digest = await w.blobs.put(Buffer.from(text));
  const manifest: ParsedManifest = { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: text.length, blobs, manifests: [] };
  return recordImage(w.ctx, repositoryName, manifest, tag, { repeat: 'accept' });
}

const basic = (authorizationToken: string) => `Basic ${authorizationToken}`;

describe('ECR control plane', () => {
  it('issues 12-hour registry tokens that carry the caller, and refuses forged and expired ones', async () => {
    const w = await world();
    const [data] = getAuthorizationToken(w.ctx, {}, w.call).authorizationData;
    assert.match(Buffer.from(data!.authorizationToken, 'base64').toString(), /^AWS:/);
    assert.equal(data!.expiresAt.getTime() - w.ctx.clock.now().getTime(), 12 * 60 * 60 * 1000);
    assert.ok(w.backend.authenticate(basic(data!.authorizationToken)));
    assert.equal(w.backend.authenticate(basic(Buffer.from('AWS:forged').toString('base64'))), undefined);
    assert.equal(w.backend.authenticate(undefined), undefined);
    w.advance(12 * 60 * 60 * 1000);
    assert.throws(() => w.backend.authenticate(basic(data!.authorizationToken)), (err: unknown) => err instanceof RegistryError && err.code === 'DENIED' && /expired/.test(err.message));
  });

  it('authorises registry operations with IAM and the repository policy', async () => {
    const w = await world();
    await createRepository(w.ctx, { repositoryName: 'team/app' });
    const user = (await createUser(w.ctx, { UserName: 'bob' })).User!;
    await putUserPolicy(w.ctx, { UserName: 'bob', PolicyName: 'pull', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: '*' }] }) });
    const call = { ...w.call, caller: { accessKeyId: 'AKIDBOB', accountId: w.ctx.partition.accountId, arn: user.Arn!, type: 'user' as const, identityArn: user.Arn! } };
    const bob = w.backend.authenticate(basic(getAuthorizationToken(w.ctx, {}, call).authorizationData[0]!.authorizationToken))!;
    assert.equal(w.backend.authorize(bob, 'team/app', 'pullManifest'), blobScope(w.ctx, 'team/app'));
    assert.throws(
      () => w.backend.authorize(bob, 'team/app', 'pushBlob'),
      (err: unknown) => err instanceof RegistryError && err.status === 403 && /is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository\/team\/app/.test(err.message),
    );
    assert.throws(() => w.backend.authorize(bob, 'team/none', 'pullManifest'), (err: unknown) => err instanceof RegistryError && err.code === 'NAME_UNKNOWN');
    // The repository's policy grants the push: within the account, a resource policy naming the user suffices.
    await setRepositoryPolicy(w.ctx, { repositoryName: 'team/app', policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: user.Arn }, Action: 'ecr:InitiateLayerUpload' }] }) });
    w.backend.authorize(bob, 'team/app', 'pushBlob');
    await assert.rejects(setRepositoryPolicy(w.ctx, { repositoryName: 'team/app', policyText: '{"Statement":[{"Effect":"Allow","Action":"ecr:*"}]}' }), code('InvalidParameterException'));
  });

  it('moves tags, untags and deletes images, and keeps a repository with images unless forced', async () => {
    const w = await world();
    await createRepository(w.ctx, { repositoryName: 'app' });
    await assert.rejects(createRepository(w.ctx, { repositoryName: 'app' }), code('RepositoryAlreadyExistsException'));
    await assert.rejects(createRepository(w.ctx, { repositoryName: 'Bad_Name' }), code('InvalidParameterException'));
    const first = await push(w, 'app', 'one', 'latest');
    const second = await push(w, 'app', 'two', 'latest');
    await push(w, 'app', 'two', 'v2');
    assert.deepEqual(listImages(w.ctx, { repositoryName: 'app', filter: { tagStatus: 'UNTAGGED' } }).imageIds, [{ imageDigest: first.imageDigest }]);
    // Deleting one of two tags only untags.
    await batchDeleteImage(w.ctx, { repositoryName: 'app', imageIds: [{ imageTag: 'v2' }] });
    assert.deepEqual(describeImages(w.ctx, { repositoryName: 'app', imageIds: [{ imageDigest: second.imageDigest }] }).imageDetails[0]!.imageTags, ['latest']);
    const { failures } = await batchDeleteImage(w.ctx, { repositoryName: 'app', imageIds: [{ imageTag: 'nope' }, { imageDigest: 'sha256:bad' }] });
    assert.deepEqual(failures.map((f) => f.failureCode), ['ImageNotFound', 'InvalidImageDigest']);
    await assert.rejects(deleteRepository(w.ctx, { repositoryName: 'app' }), code('RepositoryNotEmptyException'));
    const layer = first.references[1]!;
    assert.notEqual(await w.blobs.stat(layer), undefined);
    await deleteRepository(w.ctx, { repositoryName: 'app', force: true });
    assert.equal(await w.blobs.stat(layer), undefined, 'blobs no repository holds are deleted with it');
    assert.throws(() => listImages(w.ctx, { repositoryName: 'app' }), code('RepositoryNotFoundException'));
  });

  it('sweeps the blobs of repositories gone without releasing them (a reset)', async () => {
    const w = await world();
    await createRepository(w.ctx, { repositoryName: 'kept' });
    await createRepository(w.ctx, { repositoryName: 'dropped' });
    const kept = await push(w, 'kept', 'k', 'v1');
    const dropped = await push(w, 'dropped', 'd', 'v1');
    // As a reset does: the records go, the blobs stay.
    await w.ctx.state.mutate((tx) => {
      tx.delete('ecrImage', `dropped@${dropped.imageDigest}`);
      tx.delete('ecrRepository', 'dropped');
    });
    await sweepBlobs(w.ctx);
    assert.equal(await w.blobs.stat(dropped.references[1]!), undefined);
    assert.notEqual(await w.blobs.stat(kept.references[1]!), undefined);
  });

  it('expires images by age on the controller clock', async () => {
    const w = await world();
    await createRepository(w.ctx, { repositoryName: 'aging' });
    const old = await push(w, 'aging', 'old');
    w.advance(3 * DAY);
    await push(w, 'aging', 'new');
    await putLifecyclePolicy(w.ctx, {
      repositoryName: 'aging',
      lifecyclePolicyText: JSON.stringify({ rules: [{ rulePriority: 1, description: 'untagged older than two days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 2 }, action: { type: 'expire' } }] }),
    });
    await applyLifecyclePolicy(w.ctx, 'aging');
    const left = describeImages(w.ctx, { repositoryName: 'aging' }).imageDetails.map((i) => i.imageDigest);
    assert.equal(left.length, 1);
    assert.ok(!left.includes(old.imageDigest));
  });
});
