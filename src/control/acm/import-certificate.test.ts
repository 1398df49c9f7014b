// ACM imported certificates through their control functions; certificates made with openssl.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { fixture } from '../ecs/fixtures.js';
import { addListenerCertificates } from '../elbv2/add-listener-certificates.js';
import { createListener } from '../elbv2/create-listener.js';
import { describeListenerCertificates } from '../elbv2/describe-listener-certificates.js';
import { removeListenerCertificates } from '../elbv2/remove-listener-certificates.js';
import { createLoadBalancer } from '../elbv2/create-load-balancer.js';
import { addTagsToCertificate, listTagsForCertificate } from './certificate-tags.js';
import { deleteCertificate } from './delete-certificate.js';
import { describeCertificate } from './describe-certificate.js';
import { getCertificate } from './get-certificate.js';
import { importCertificate } from './import-certificate.js';
import { listCertificates } from './list-certificates.js';
import { listenersByLoadBalancer } from '../elbv2/indexes.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;

function selfSigned(name: string): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-acm-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},DNS:www.${name}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
}

describe('ACM imported certificates', { skip: !hasOpenssl && 'openssl is not installed' }, () => {
  let a: { cert: Buffer; key: Buffer };
  let b: { cert: Buffer; key: Buffer };
  before(() => {
    a = selfSigned('a.example.com');
    b = selfSigned('b.example.com');
  });

  it('reads the certificate it imports, and refuses what is not one or a key that does not match', async () => {
    const f = await fixture();
    const { CertificateArn } = await importCertificate(f.ctx, { Certificate: a.cert, PrivateKey: a.key, Tags: [{ Key: 'team', Value: 'web' }] });
    assert.match(CertificateArn, /^arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f-]{36}$/);
    const { Certificate } = describeCertificate(f.ctx, { CertificateArn });
    assert.equal(Certificate.DomainName, 'a.example.com');
    assert.deepEqual(Certificate.SubjectAlternativeNames, ['a.example.com', 'www.a.example.com']);
    assert.equal(Certificate.KeyAlgorithm, 'RSA_2048');
    assert.equal(Certificate.Status, 'ISSUED');
    assert.equal(getCertificate(f.ctx, { CertificateArn }).Certificate, a.cert.toString().trim() + '\n');
    await assert.rejects(importCertificate(f.ctx, { Certificate: Buffer.from('not a certificate'), PrivateKey: a.key }), code('ValidationException'));
    await assert.rejects(importCertificate(f.ctx, { Certificate: a.cert, PrivateKey: b.key }), code('ValidationException'));
    assert.throws(() => describeCertificate(f.ctx, { CertificateArn: 'nope' }), code('InvalidArnException'));
    assert.throws(() => describeCertificate(f.ctx, { CertificateArn: `${CertificateArn.slice(0, -1)}0` }), code('ResourceNotFoundException'));
    await addTagsToCertificate(f.ctx, { CertificateArn, Tags: [{ Key: 'env', Value: 'test' }] });
    assert.deepEqual(listTagsForCertificate(f.ctx, { CertificateArn }).Tags, [{ Key: 'team', Value: 'web' }, { Key: 'env', Value: 'test' }]);
  });

  it('lists certificates, and refuses to delete one a listener serves', async () => {
    const f = await fixture();
    const first = (await importCertificate(f.ctx, { Certificate: a.cert, PrivateKey: a.key })).CertificateArn;
    const second = (await importCertificate(f.ctx, { Certificate: b.cert, PrivateKey: b.key })).CertificateArn;
    assert.deepEqual(listCertificates(f.ctx, {}).CertificateSummaryList.map((c) => c.DomainName).sort(), ['a.example.com', 'b.example.com']);
    const lb = (await createLoadBalancer(f.ctx, { Name: 'web' })).LoadBalancers![0]!.LoadBalancerArn!;
    await createListener(f.ctx, { LoadBalancerArn: lb, Port: 8443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: first }], DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }] });
    assert.deepEqual(describeCertificate(f.ctx, { CertificateArn: first }).Certificate.InUseBy, [lb]);
    await assert.rejects(deleteCertificate(f.ctx, { CertificateArn: first }), code('ResourceInUseException'));
    // A second certificate served by SNI: listed beside the default, and in use while it is.
    const listenerArn = f.ctx.state.where(listenersByLoadBalancer, lb)[0]!.ListenerArn;
    await addListenerCertificates(f.ctx, { ListenerArn: listenerArn, Certificates: [{ CertificateArn: second }] });
    assert.deepEqual(describeListenerCertificates(f.ctx, { ListenerArn: listenerArn }).Certificates, [
      { CertificateArn: first, IsDefault: true },
      { CertificateArn: second, IsDefault: false },
    ]);
    await assert.rejects(deleteCertificate(f.ctx, { CertificateArn: second }), code('ResourceInUseException'));
    await assert.rejects(removeListenerCertificates(f.ctx, { ListenerArn: listenerArn, Certificates: [{ CertificateArn: first }] }), code('OperationNotPermitted'));
    await removeListenerCertificates(f.ctx, { ListenerArn: listenerArn, Certificates: [{ CertificateArn: second }] });
    await deleteCertificate(f.ctx, { CertificateArn: second });
    assert.equal(listCertificates(f.ctx, {}).CertificateSummaryList.length, 1);
  });
});
