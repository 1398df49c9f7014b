// ECR end to end, with the real docker CLI against a real `wharf up` (test/ecr-fixture.ts): a multi-layer
// image pushed and pulled, an immutable tag refused, a lifecycle policy expiring untagged images, a scan
// finding from test/fixtures/advisories.json, blobs deleted with the last image naming them, and the
// registry's refusals (no or a forged token, wrong digests, missing blobs, oversize manifests). Tasks
// running ECR images: test/ecr-tasks.test.ts.
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  GetLifecyclePolicyPreviewCommand,
  PutImageCommand,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ecrWorld, type EcrWorld } from './ecr-fixture.js';
import { eventually } from './wharf-process.js';

const run = randomBytes(3).toString('hex');
let w: EcrWorld;
before(async () => void (w = await ecrWorld()));
after(() => w?.close());

describe('ECR registry', () => {
  it('pushes a multi-layer image with docker and pulls it back', async () => {
    const repo = await w.repository(`app-${run}`);
    w.build(`${repo}:v1`, `push-${run}`);
    const pushed = w.dockerOk(['push', `${repo}:v1`]);
    assert.match(pushed, /v1: digest: sha256:[a-f0-9]{64}/);
    const digest = w.digestOf(`${repo}:v1`);
    const { imageDetails = [] } = await w.ecr.send(new DescribeImagesCommand({ repositoryName: `app-${run}` }));
    assert.equal(imageDetails.length, 1);
    assert.equal(imageDetails[0]!.imageDigest, digest);
    assert.deepEqual(imageDetails[0]!.imageTags, ['v1']);
    assert.ok(imageDetails[0]!.imageSizeInBytes! > 100_000);
    assert.equal(imageDetails[0]!.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const { images = [] } = await w.ecr.send(new BatchGetImageCommand({ repositoryName: `app-${run}`, imageIds: [{ imageTag: 'v1' }] }));
    const manifest = JSON.parse(images[0]!.imageManifest!);
    assert.equal(manifest.layers.length, 3);
    assert.equal(`sha256:${createHash('sha256').update(images[0]!.imageManifest!).digest('hex')}`, digest);

    w.dockerOk(['rmi', `${repo}:v1`]);
    w.dockerOk(['pull', `${repo}:v1`]);
    assert.equal(w.dockerOk(['run', '--rm', `${repo}:v1`, 'cat', '/seed']).trim(), `push-${run}`);
  });

  it('refuses to move a tag in an immutable repository', async () => {
    const name = `frozen-${run}`;
    const repo = await w.repository(name, { immutable: true });
    w.build(`${repo}:v1`, `frozen-a-${run}`);
    w.dockerOk(['push', `${repo}:v1`]);
    // Pushing the same image again is fine; another image under the tag is not.
    w.dockerOk(['push', `${repo}:v1`]);
    w.build(`${repo}:v1`, `frozen-b-${run}`);
    const refused = w.docker(['push', `${repo}:v1`]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr + refused.stdout, /cannot be overwritten because the repository is immutable/);
    const { images = [] } = await w.ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    await assert.rejects(
      w.ecr.send(new PutImageCommand({ repositoryName: name, imageTag: 'v2', imageManifest: images[0]!.imageManifest! })).then(() =>
        w.ecr.send(new PutImageCommand({ repositoryName: name, imageTag: 'v2', imageManifest: images[0]!.imageManifest!.replace(/\s*$/, ' ') })),
      ),
      (err: Error) => err.name === 'ImageTagAlreadyExistsException',
    );
  });

  it('expires untagged images by lifecycle policy, previewed first', async () => {
    const name = `tidy-${run}`;
    const repo = await w.repository(name);
    for (const n of [1, 2, 3]) {
      w.build(`${repo}:latest`, `tidy-${n}-${run}`);
      w.dockerOk(['push', `${repo}:latest`]);
    }
    const images = async () => (await w.ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails ?? [];
    assert.equal((await images()).filter((i) => !i.imageTags).length, 2);
    const lifecyclePolicyText = JSON.stringify({
      rules: [{ rulePriority: 1, description: 'keep one untagged image', selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }],
    });
    await w.ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: name, lifecyclePolicyText }));
    const preview = await w.ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: name }));
    assert.equal(preview.status, 'COMPLETE');
    assert.equal(preview.summary?.expiringImageTotalCount, 1);
    const oldest = (await images()).filter((i) => !i.imageTags).sort((a, b) => a.imagePushedAt!.getTime() - b.imagePushedAt!.getTime())[0]!;
    assert.equal(preview.previewResults![0]!.imageDigest, oldest.imageDigest);

    await w.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText }));
    await eventually(async () => ((await images()).length === 2 ? true : undefined), 'the oldest untagged image expired');
    assert.ok(!(await images()).some((i) => i.imageDigest === oldest.imageDigest));
  });

  it('scans on push and reports a finding from the advisory file', async () => {
    const name = `scanned-${run}`;
    const repo = await w.repository(name, { scanOnPush: true });
    w.build(`${repo}:v1`, `scan-${run}`);
    w.dockerOk(['push', `${repo}:v1`]);
    const findings = await eventually(async () => {
      const out = await w.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: name, imageId: { imageTag: 'v1' } }));
      return out.imageScanStatus?.status === 'COMPLETE' ? out : undefined;
    }, 'the scan complete');
    assert.deepEqual(findings.imageScanFindings?.findingSeverityCounts, { HIGH: 1 });
    const [finding] = findings.imageScanFindings!.findings!;
    assert.equal(finding!.name, 'CVE-2099-0001');
    assert.deepEqual(finding!.attributes, [{ key: 'package_name', value: 'wharf-demo-lib' }, { key: 'package_version', value: '1.1.0-3' }]);
    const { imageDetails = [] } = await w.ecr.send(new DescribeImagesCommand({ repositoryName: name }));
    assert.equal(imageDetails[0]!.imageScanStatus?.status, 'COMPLETE');
  });

  it('deletes blobs once no image names them, and keeps those another repository holds', async () => {
    const blobs = () => new Set(readdirSync(join(w.wharf.dataDir, 'registry', 'blobs', 'sha256')));
    const name = `gc-${run}`;
    const repo = await w.repository(name);
    w.build(`${repo}:v1`, `gc-${run}`);
    w.dockerOk(['push', `${repo}:v1`]);
    const { images = [] } = await w.ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    const manifest = JSON.parse(images[0]!.imageManifest!) as { config: { digest: string }; layers: { digest: string }[] };
    const [base, , unique] = manifest.layers.map((l) => l.digest.slice('sha256:'.length));
    assert.ok(blobs().has(unique!) && blobs().has(base!));
    const { imageIds = [] } = await w.ecr.send(new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] }));
    assert.equal(imageIds.length, 1);
    const after = blobs();
    assert.ok(!after.has(unique!), 'the layer only this image had is deleted');
    assert.ok(!after.has(manifest.config.digest.slice('sha256:'.length)), 'its config is deleted');
    assert.ok(after.has(base!), 'busybox, which other repositories hold, stays');
  });

  it('refuses pushes without a token or with a forged one, wrong digests, missing blobs and oversize manifests', async () => {
    const name = `guard-${run}`;
    await w.repository(name);
    const base = `http://${w.registry}/v2/${name}`;
    assert.equal((await fetch(`${base}/tags/list`)).status, 401);
    assert.match((await fetch(`http://${w.registry}/v2/`)).headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const forged = `Basic ${Buffer.from('AWS:not-a-token').toString('base64')}`;
    assert.equal((await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { authorization: forged } })).status, 401);
    const badLogin = w.docker(['login', '--username', 'AWS', '--password-stdin', w.registry], 'not-a-token');
    assert.notEqual(badLogin.status, 0);
    // Log in again: the failed login left docker's stored credentials as they were, but be sure.
    w.dockerOk(['login', '--username', 'AWS', '--password-stdin', w.registry], w.password());

    const token = w.password().trim();
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
    const location = new URL(started.headers.get('location')!, `http://${w.registry}`).toString();
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
