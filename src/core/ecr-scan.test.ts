import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, matchAdvisories, parseAdvisoryFile, parseApkInstalled, parseDpkgStatus } from './ecr-scan.js';

describe('ECR image scanning', () => {
  it('orders versions as dpkg does', () => {
    assert.equal(compareVersions('1.0', '1.0'), 0);
    assert.equal(compareVersions('1.0~rc1', '1.0'), -1);
    assert.equal(compareVersions('1:0.9', '2.0'), 1);
    assert.equal(compareVersions('1.2.10', '1.2.9'), 1);
    assert.equal(compareVersions('1.0-2', '1.0-10'), -1);
    assert.equal(compareVersions('1.0a', '1.0+b'), -1);
    assert.equal(compareVersions('1.36.1-r15', '1.36.1-r2'), 1);
  });

  it('reads installed packages from dpkg and apk databases', () => {
    const dpkg = 'Package: libc6\nStatus: install ok installed\nVersion: 2.31-13\nSource: glibc\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n';
    assert.deepEqual(parseDpkgStatus(dpkg), [{ name: 'libc6', version: '2.31-13', source: 'glibc' }]);
    assert.deepEqual(parseApkInstalled('C:Q1abc\nP:musl\nV:1.2.3-r0\no:musl\n\nP:busybox\nV:1.36.1-r2\n'), [
      { name: 'musl', version: '1.2.3-r0', source: 'musl' },
      { name: 'busybox', version: '1.36.1-r2' },
    ]);
  });

  it('matches advisories below their fixed version, by binary or source package', () => {
    const advisories = parseAdvisoryFile(
      JSON.stringify({
        advisories: [
          { id: 'CVE-1', ecosystem: 'debian', package: 'glibc', fixedVersion: '2.31-14', severity: 'HIGH', uri: 'https://example.com/CVE-1' },
          { id: 'CVE-2', ecosystem: 'debian', package: 'libc6', fixedVersion: '2.31-13', severity: 'CRITICAL' },
          { id: 'CVE-3', ecosystem: 'alpine', package: 'libc6', severity: 'LOW' },
          { id: 'CVE-4', ecosystem: 'debian', package: 'libc6', severity: 'MEDIUM' },
        ],
      }),
    );
    const findings = matchAdvisories('debian', [{ name: 'libc6', version: '2.31-13', source: 'glibc' }], advisories);
    assert.deepEqual(findings.map((f) => [f.name, f.severity]), [['CVE-1', 'HIGH'], ['CVE-4', 'MEDIUM']]);
    assert.deepEqual(findings[0]!.attributes, [{ key: 'package_name', value: 'libc6' }, { key: 'package_version', value: '2.31-13' }]);
    assert.throws(() => parseAdvisoryFile('{"advisories":[{"id":"x"}]}'), /needs id, package/);
  });
});
