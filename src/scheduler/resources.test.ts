import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { Resource } from '../core/ecs.js';
import { AwsError } from '../core/errors.js';
import {
  HostPorts,
  parseTaskCpu,
  parseTaskMemory,
  readRegisteredResources,
  registeredResources,
  remainingResources,
  resourceShortfall,
  taskRequirement,
  type TaskRequirement,
} from './resources.js';

const byName = (resources: Resource[], name: string) => resources.find((r) => r.name === name);

test('registeredResources: cores x 1024 CPU units, MiB, the reserved ports, no UDP ports', () => {
  const resources = registeredResources({ cores: 2, memoryMiB: 3_800 });
  assert.deepEqual(resources, [
    { name: 'CPU', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: 2048 },
    { name: 'MEMORY', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: 3800 },
    { name: 'PORTS', type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: ['22', '2376', '2375', '51678', '51679'] },
    { name: 'PORTS_UDP', type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: [] },
  ]);
});

test('registeredResources adds the agent-configured reserved ports', () => {
  const resources = registeredResources({ cores: 1, memoryMiB: 512, reservedPorts: [8080, 22], reservedUdpPorts: [53] });
  assert.deepEqual(byName(resources, 'PORTS')?.stringSetValue, ['22', '2376', '2375', '51678', '51679', '8080']);
  assert.deepEqual(byName(resources, 'PORTS_UDP')?.stringSetValue, ['53']);
});

test('the reserved ports stay taken even when an agent registered without them', () => {
  const read = readRegisteredResources([{ name: 'CPU', type: 'INTEGER', integerValue: 1024 }]);
  assert.equal(read.cpu, 1024);
  assert.equal(read.memory, 0);
  for (const p of [22, 2375, 2376, 51678, 51679]) assert.ok(read.ports.has(p));
});

test('taskRequirement: container cpu and memory summed; memoryReservation is what ECS subtracts', () => {
  const definition: TaskDefinition = {
    family: 'app',
    containerDefinitions: [
      { name: 'a', cpu: 256, memory: 512 },
      { name: 'b', cpu: 128, memory: 1024, memoryReservation: 300 },
      { name: 'c', memoryReservation: 64 },
    ],
  };
  assert.deepEqual(taskRequirement(definition), { cpu: 384, memory: 512 + 300 + 64, ports: [], udpPorts: [] });
});

test('taskRequirement: task-level cpu and memory win over the containers', () => {
  const definition: TaskDefinition = { family: 'app', cpu: '1 vCPU', memory: '2 GB', containerDefinitions: [{ name: 'a', cpu: 256, memory: 512 }] };
  assert.deepEqual(taskRequirement(definition), { cpu: 1024, memory: 2048, ports: [], udpPorts: [] });
  const onlyMemory: TaskDefinition = { family: 'app', memory: '1024', containerDefinitions: [{ name: 'a', cpu: 256, memory: 512 }] };
  assert.deepEqual(taskRequirement(onlyMemory), { cpu: 256, memory: 1024, ports: [], udpPorts: [] });
});

test('taskRequirement: container and task-level overrides', () => {
  const definition: TaskDefinition = {
    family: 'app',
    containerDefinitions: [
      { name: 'a', cpu: 256, memory: 512 },
      { name: 'b', cpu: 128, memoryReservation: 128 },
    ],
  };
  const containerOverrides = [
    { name: 'a', cpu: 512, memoryReservation: 256 },
    { name: 'b', memory: 1024 },
  ];
  assert.deepEqual(taskRequirement(definition, { containerOverrides }), { cpu: 640, memory: 256 + 128, ports: [], udpPorts: [] });
  assert.deepEqual(taskRequirement(definition, { containerOverrides, cpu: '2048', memory: '4GB' }), { cpu: 2048, memory: 4096, ports: [], udpPorts: [] });
});

test('taskRequirement: static host ports by protocol in bridge mode; dynamic ports need none', () => {
  const definition: TaskDefinition = {
    family: 'web',
    containerDefinitions: [
      {
        name: 'web',
        memory: 128,
        portMappings: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 443, hostPort: 0 },
          { containerPort: 9000 },
          { containerPort: 53, hostPort: 5353, protocol: 'udp' },
          { containerPort: 7000, containerPortRange: '7000-7010' },
        ],
      },
    ],
  };
  assert.deepEqual(taskRequirement(definition), { cpu: 0, memory: 128, ports: [8080], udpPorts: [5353] });
});

test('taskRequirement: host mode binds container ports; awsvpc and none take no host ports', () => {
  const containerDefinitions = [{ name: 'web', memory: 128, portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 81 }, { containerPort: 9000, containerPortRange: '9000-9002' }] }];
  assert.deepEqual(taskRequirement({ family: 'w', networkMode: 'host', containerDefinitions }).ports, [80, 81, 9000, 9001, 9002]);
  assert.deepEqual(taskRequirement({ family: 'w', networkMode: 'awsvpc', containerDefinitions }).ports, []);
  assert.deepEqual(taskRequirement({ family: 'w', networkMode: 'none', containerDefinitions }).ports, []);
});

test('task-level cpu and memory strings', () => {
  assert.equal(parseTaskCpu('512'), 512);
  assert.equal(parseTaskCpu('0.5 vCPU'), 512);
  assert.equal(parseTaskCpu('2 vcpu'), 2048);
  assert.equal(parseTaskCpu(undefined), undefined);
  assert.equal(parseTaskMemory('3072'), 3072);
  assert.equal(parseTaskMemory('3GB'), 3072);
  assert.equal(parseTaskMemory('0.5 GB'), 512);
  assert.throws(() => parseTaskMemory('lots'), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException');
});

test('remainingResources: registered minus what the tasks hold, ports as ECS lists them', () => {
  const registered = registeredResources({ cores: 2, memoryMiB: 4_000 });
  const tasks: TaskRequirement[] = [
    { cpu: 512, memory: 1_000, ports: [8080], udpPorts: [] },
    { cpu: 256, memory: 500, ports: [443], udpPorts: [5353] },
  ];
  const remaining = remainingResources(registered, tasks);
  assert.equal(byName(remaining, 'CPU')?.integerValue, 2048 - 768);
  assert.equal(byName(remaining, 'MEMORY')?.integerValue, 2_500);
  assert.deepEqual(byName(remaining, 'PORTS')?.stringSetValue, ['22', '2376', '2375', '51678', '51679', '443', '8080']);
  assert.deepEqual(byName(remaining, 'PORTS_UDP')?.stringSetValue, ['5353']);
});

test('HostPorts counts holders: a port stays taken until its last holder releases it', () => {
  const ports = new HostPorts(new Set([22]));
  ports.take([80]);
  ports.take([80]);
  ports.release([80]);
  assert.ok(ports.has(80));
  ports.release([80]);
  assert.ok(!ports.has(80));
  ports.release([22]);
  assert.ok(ports.has(22), 'registered ports are never released');
});

test('resourceShortfall reports the first missing resource in ECS order', () => {
  const free = (cpu: number, memory: number, tcp: number[] = [], udp: number[] = []) => ({
    cpu,
    memory,
    ports: new HostPorts(new Set(tcp)),
    udpPorts: new HostPorts(new Set(udp)),
  });
  const need: TaskRequirement = { cpu: 256, memory: 256, ports: [80], udpPorts: [53] };
  assert.equal(resourceShortfall(free(100, 100), need), 'RESOURCE:CPU');
  assert.equal(resourceShortfall(free(256, 100), need), 'RESOURCE:MEMORY');
  assert.equal(resourceShortfall(free(256, 256, [80]), need), 'RESOURCE:PORTS');
  assert.equal(resourceShortfall(free(256, 256, [], [53]), need), 'RESOURCE:PORTS_UDP');
  assert.equal(resourceShortfall(free(256, 256, [53], [80]), need), undefined);
});
