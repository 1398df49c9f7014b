// Trust stores through their control functions, their S3 objects served by an in-memory reader: CA bundles
// and CRLs checked and counted, revocations, associations with mutual-TLS listeners, and ELBv2's errors.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { importCertificate } from '../acm/import-certificate.js';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { addTrustStoreRevocations } from './add-trust-store-revocations.js';
import { createListener } from './create-listener.js';
import { createLoadBalancer } from './create-load-balancer.js';
import { createTrustStore } from './create-trust-store.js';
import { dataPlaneConfig } from './data-plane-config.js';
import { deleteSharedTrustStoreAssociation } from './delete-shared-trust-store-association.js';
import { deleteTrustStore } from './delete-trust-store.js';
import { describeTrustStoreAssociations } from './describe-trust-store-associations.js';
import { describeTrustStoreRevocations } from './describe-trust-store-revocations.js';
import { describeTrustStores } from './describe-trust-stores.js';
import { getTrustStoreCaCertificatesBundle } from './get-trust-store-ca-certificates-bundle.js';
import { getTrustStoreRevocationContent } from './get-trust-store-revocation-content.js';
import { modifyListener } from './modify-listener.js';
import { removeTrustStoreRevocations } from './remove-trust-store-revocations.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;
const fixed = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '200' } }];

/** A CA with a CRL revoking two serials, and a listener certificate; made once by openssl. */
function pki(): Record<'ca' | 'crl' | 'cert' | 'key', string> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-trust-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ca', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', 'key.pem', '-out', 'cert.pem');
  writeFileSync(join(dir, 'index.txt'), 'R\t301231000000Z\t240101000000Z\t02\tunknown\t/CN=a\nR\t301231000000Z\t240101000000Z\t03\tunknown\t/CN=b\n');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), '[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n');
  openssl('ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'crl.pem');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { ca: read('ca.pem'), crl: read('crl.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

describe('ELBv2 trust stores', { skip: !hasOpenssl && 'openssl missing' }, () => {
  const files = hasOpenssl ? pki() : { ca: '', crl: '', cert: '', key: '' };
  let f: Fixture;
  let objects: Map<string, string>;

  beforeEach(async () => {
    f = await fixture();
    objects = new Map([
      ['pki/ca.pem', files.ca + files.ca],
      ['pki/crl.pem', files.crl],
      ['pki/junk', 'not a certificate'],
    ]);
    f.ctx.s3Objects = { read: async (bucket, key) => (bucket === 'pki' && objects.has(`${bucket}/${key}`) ? Buffer.from(objects.get(`${bucket}/${key}`)!) : undefined) };
  });

  const create = (key = 'ca.pem', name = 'clients') => createTrustStore(f.ctx, { Name: name, CaCertificatesBundleS3Bucket: 'pki', CaCertificatesBundleS3Key: key });

  it('creates a trust store from an S3 bundle, counting its certificates, and refuses what is not one', async () => {
    const [store] = (await create()).TrustStores!;
    assert.deepEqual([store!.Status, store!.NumberOfCaCertificates, store!.TotalRevokedEntries], ['ACTIVE', 2, 0]);
    assert.match(store!.TrustStoreArn!, /:truststore\/clients\/[0-9a-f]{16}$/);
    await assert.rejects(create(), code('DuplicateTrustStoreName'));
    await assert.rejects(create('junk', 'junk'), code('InvalidCaCertificatesBundle'));
    await assert.rejects(create('missing', 'missing'), code('CaCertificatesBundleNotFound'));
    f.ctx.s3Objects = undefined;
    await assert.rejects(create('ca.pem', 'nos3'), (e: Error) => code('CaCertificatesBundleNotFound')(e) && e.message.includes('serves no S3'));
    assert.deepEqual(describeTrustStores(f.ctx, { Names: ['clients'] }).TrustStores!.map((t) => t.Name), ['clients']);
    assert.throws(() => describeTrustStores(f.ctx, { Names: ['nope'] }), code('TrustStoreNotFound'));
    const location = getTrustStoreCaCertificatesBundle(f.ctx, { TrustStoreArn: store!.TrustStoreArn! }).Location!;
    assert.equal(Buffer.from(location.split(',')[1]!, 'base64').toString().match(/BEGIN CERTIFICATE/g)!.length, 2);
  });

  it('adds, describes, downloads and removes revocation lists, counting their entries', async () => {
    const arn = (await create()).TrustStores![0]!.TrustStoreArn!;
    const [added] = (await addTrustStoreRevocations(f.ctx, { TrustStoreArn: arn, RevocationContents: [{ S3Bucket: 'pki', S3Key: 'crl.pem' }] })).TrustStoreRevocations!;
    assert.deepEqual([added!.RevocationId, added!.NumberOfRevokedEntries], [1, 2]);
    assert.equal(describeTrustStores(f.ctx, {}).TrustStores![0]!.TotalRevokedEntries, 2);
    assert.equal(describeTrustStoreRevocations(f.ctx, { TrustStoreArn: arn }).TrustStoreRevocations!.length, 1);
    assert.match(getTrustStoreRevocationContent(f.ctx, { TrustStoreArn: arn, RevocationId: 1 }).Location!, /^data:application\/x-pem-file;base64,/);
    await assert.rejects(addTrustStoreRevocations(f.ctx, { TrustStoreArn: arn, RevocationContents: [{ S3Bucket: 'pki', S3Key: 'junk' }] }), code('InvalidRevocationContent'));
    await assert.rejects(addTrustStoreRevocations(f.ctx, { TrustStoreArn: arn, RevocationContents: [{ S3Bucket: 'pki', S3Key: 'none' }] }), code('RevocationContentNotFound'));
    await assert.rejects(removeTrustStoreRevocations(f.ctx, { TrustStoreArn: arn, RevocationIds: [9] }), code('RevocationIdNotFound'));
    await removeTrustStoreRevocations(f.ctx, { TrustStoreArn: arn, RevocationIds: [1] });
    assert.equal(describeTrustStores(f.ctx, {}).TrustStores![0]!.TotalRevokedEntries, 0);
  });

  it('verifies HTTPS listeners with it, lists them as associations, and is not deleted while in use', async () => {
    const arn = (await create()).TrustStores![0]!.TrustStoreArn!;
    await addTrustStoreRevocations(f.ctx, { TrustStoreArn: arn, RevocationContents: [{ S3Bucket: 'pki', S3Key: 'crl.pem' }] });
    const lb = (await createLoadBalancer(f.ctx, { Name: 'web' })).LoadBalancers![0]!.LoadBalancerArn!;
    const { CertificateArn } = await importCertificate(f.ctx, { Certificate: Buffer.from(files.cert), PrivateKey: Buffer.from(files.key) });
    const https = { LoadBalancerArn: lb, Protocol: 'HTTPS' as const, Certificates: [{ CertificateArn }], DefaultActions: fixed };
    await assert.rejects(createListener(f.ctx, { ...https, Port: 8443, MutualAuthentication: { Mode: 'verify' } }), code('ValidationError'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lb, Port: 8080, Protocol: 'HTTP', DefaultActions: fixed, MutualAuthentication: { Mode: 'passthrough' } }), code('ValidationError'));
    const listener = (await createListener(f.ctx, { ...https, Port: 8443, MutualAuthentication: { Mode: 'verify', TrustStoreArn: arn } })).Listeners![0]!;
    assert.deepEqual(listener.MutualAuthentication, { Mode: 'verify', TrustStoreArn: arn, IgnoreClientCertificateExpiry: false, TrustStoreAssociationStatus: 'active', AdvertiseTrustStoreCaNames: 'off' });

    const [frontend] = dataPlaneConfig(f.ctx.state, { address: '127.0.0.1', instanceAddress: () => undefined }).frontends;
    assert.equal(frontend!.mutualTls?.mode, 'verify');
    assert.ok(frontend!.mutualTls?.mode === 'verify' && frontend!.mutualTls.revocations?.includes('BEGIN X509 CRL'));

    assert.deepEqual(describeTrustStoreAssociations(f.ctx, { TrustStoreArn: arn }).TrustStoreAssociations, [{ ResourceArn: listener.ListenerArn }]);
    assert.throws(() => deleteSharedTrustStoreAssociation(f.ctx, { TrustStoreArn: arn, ResourceArn: listener.ListenerArn! }), code('DeleteAssociationSameAccount'));
    await assert.rejects(deleteTrustStore(f.ctx, { TrustStoreArn: arn }), code('TrustStoreInUse'));
    await modifyListener(f.ctx, { ListenerArn: listener.ListenerArn!, MutualAuthentication: { Mode: 'off' } });
    await deleteTrustStore(f.ctx, { TrustStoreArn: arn });
    assert.deepEqual(describeTrustStores(f.ctx, {}).TrustStores, []);
  });
});
