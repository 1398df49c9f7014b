import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeInfo } from '../core/runtime.js';
import {
  ec2InstanceId,
  privateIp,
  readRegistration,
  registrationRequest,
  saveRegistration,
  type RegistrationInput,
} from './registration.js';

const info: RuntimeInfo = {
  cpus: 4,
  memoryBytes: 8192 * 1024 * 1024,
  version: '20.10.24',
  apiVersion: '1.41',
  architecture: 'x86_64',
  os: 'linux',
};

const input: RegistrationInput = {
  cluster: 'prod',
  info,
  identity: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1', instanceType: 'wharf.local', privateIp: '10.1.2.3', architecture: 'x86_64' },
  agentVersion: '0.1.0',
  reservedMemoryMiB: 256,
  customAttributes: { stack: 'blue' },
};

describe('registration', () => {
  it('derives a stable EC2-style instance id from the host and data dir', () => {
    const id = ec2InstanceId('host-a', '/var/lib/wharf');
    assert.match(id, /^i-[0-9a-f]{17}$/);
    assert.equal(ec2InstanceId('host-a', '/var/lib/wharf'), id);
    assert.notEqual(ec2InstanceId('host-b', '/var/lib/wharf'), id);
    assert.notEqual(ec2InstanceId('host-a', '/srv/wharf'), id);
  });

  it("picks the host's address, not a container bridge's", () => {
    const ip = privateIp({
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
      eth0: [
        { address: 'fe80::1', family: 'IPv6', internal: false },
        { address: '192.0.2.2', family: 'IPv4', internal: false },
      ],
    });
    assert.equal(ip, '192.0.2.2');
    assert.equal(privateIp({ lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] }), undefined);
  });

  it('registers the resources the ECS agent does', () => {
    const request = registrationRequest(input);
    assert.equal(request.cluster, 'prod');
    assert.equal(request.containerInstanceArn, undefined);
    assert.deepEqual(request.totalResources, [
      { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 - 256 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ]);
    assert.deepEqual(request.versionInfo, { agentVersion: '0.1.0', dockerVersion: 'DockerVersion: 20.10.24' });
  });

  it('sends an instance identity document like EC2 writes', () => {
    const doc = JSON.parse(registrationRequest(input).instanceIdentityDocument!);
    assert.equal(doc.instanceId, 'i-0123456789abcdef0');
    assert.equal(doc.region, 'eu-west-1');
    assert.equal(doc.availabilityZone, 'eu-west-1a');
    assert.equal(doc.instanceType, 'wharf.local');
    assert.equal(doc.privateIp, '10.1.2.3');
    assert.equal(doc.architecture, 'x86_64');
  });

  it('registers capabilities and custom attributes', () => {
    const attributes = registrationRequest(input).attributes!;
    const names = attributes.map((a) => a.name);
    assert.ok(names.includes('com.amazonaws.ecs.capability.docker-remote-api.1.17'));
    assert.ok(names.includes('com.amazonaws.ecs.capability.docker-remote-api.1.41'));
    assert.ok(!names.includes('com.amazonaws.ecs.capability.docker-remote-api.1.42'));
    assert.ok(names.includes('ecs.capability.container-ordering'));
    assert.ok(names.includes('ecs.capability.container-health-check'));
    assert.deepEqual(attributes.find((a) => a.name === 'ecs.os-type'), { name: 'ecs.os-type', value: 'linux' });
    assert.deepEqual(attributes.find((a) => a.name === 'ecs.cpu-architecture'), { name: 'ecs.cpu-architecture', value: 'x86_64' });
    assert.deepEqual(attributes.find((a) => a.name === 'stack'), { name: 'stack', value: 'blue' });
  });

  it('advertises privileged containers, SELinux and AppArmor as the settings allow, as the ECS agent does', () => {
    const capabilities = (security?: RegistrationInput['security']) =>
      registrationRequest({ ...input, security }).attributes!.map((a) => a.name!).filter((n) => /privileged|selinux|apparmor/.test(n));
    assert.deepEqual(capabilities(), ['com.amazonaws.ecs.capability.privileged-container']);
    assert.deepEqual(capabilities({ privileged: false, selinux: false, apparmor: false }), []);
    assert.deepEqual(capabilities({ privileged: false, selinux: true, apparmor: true }), [
      'com.amazonaws.ecs.capability.selinux',
      'com.amazonaws.ecs.capability.apparmor',
    ]);
  });

  it('re-registers as a known instance when given its ARN', () => {
    const arn = 'arn:aws:ecs:eu-west-1:000000000000:container-instance/prod/0123';
    assert.equal(registrationRequest({ ...input, containerInstanceArn: arn }).containerInstanceArn, arn);
  });

  it('keeps the registration in the data dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-agent-'));
    try {
      const dataDir = join(dir, 'nested');
      assert.equal(await readRegistration(dataDir), undefined);
      const saved = { cluster: 'prod', containerInstanceArn: 'arn:aws:ecs:eu-west-1:000000000000:container-instance/prod/1' };
      await saveRegistration(dataDir, saved);
      assert.deepEqual(await readRegistration(dataDir), saved);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
