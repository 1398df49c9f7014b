// Reading input and writing output through AWS's models, with the JSON dialect: the ECS model itself for
// what ECS does, and a small model of our own for the shapes ECS lacks (blobs, recursion, patterns).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../core/errors.js';
import { jsonInput, jsonOutput } from './json.js';
import { Cursor, inputReaders, loadModel, outputWriters, validationError } from './model.js';
import type { ServiceModel } from './service.js';

const ecs = loadModel('ecs');
const readEcs = inputReaders(ecs, jsonInput);
const writeEcs = outputWriters(ecs, jsonOutput);

/** Reads like a service does: the value, or the AwsError the request would get. */
function read(shape: string, value: unknown, reader = readEcs) {
  const cursor = new Cursor();
  const out = reader(shape)(value, cursor);
  if (cursor.violations.length > 0) throw validationError('InvalidParameterException', cursor.violations);
  return out;
}

const rejects = (fn: () => unknown, code: string, message?: RegExp) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AwsError, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });

describe('loadModel', () => {
  test('reads models/<name>.json from the package root, once', () => {
    assert.equal(ecs.metadata.targetPrefix, 'AmazonEC2ContainerServiceV20141113');
    assert.equal(loadModel('ecs'), ecs);
  });
});

describe('reading input', () => {
  test('members the shape does not name are ignored; null means absent', () => {
    const input = read('ListTasksRequest', { cluster: 'default', launchType: null, bogus: 1, __proto__x: 2 });
    assert.deepEqual(input, { cluster: 'default' });
  });

  test('a missing required member', () => {
    rejects(
      () => read('DescribeServicesRequest', { cluster: 'default' }),
      'InvalidParameterException',
      /^1 validation error detected: Value null at 'services' failed to satisfy constraint: Member must not be null$/,
    );
  });

  test('violations are reported together, with paths into lists', () => {
    rejects(
      () =>
        read('RegisterTaskDefinitionRequest', {
          family: 'web',
          containerDefinitions: [{ name: 'ok' }, { portMappings: [{ containerPort: 70000, protocol: 'sctp' }] }],
          networkMode: 'bridged',
        }),
      'InvalidParameterException',
      new RegExp(
        [
          "^2 validation errors detected: Value 'sctp' at 'containerDefinitions\\.2\\.member\\.portMappings\\.1\\.member\\.protocol' failed to satisfy constraint: Member must satisfy enum value set: \\[tcp, udp\\]",
          "; Value 'bridged' at 'networkMode' failed to satisfy constraint: Member must satisfy enum value set: \\[bridge, host, awsvpc, none\\]$",
        ].join('.*'),
      ),
    );
  });

  test('ranges, lengths and patterns', () => {
    rejects(
      () => read('CreateClusterRequest', { defaultCapacityProviderStrategy: [{ capacityProvider: 'x', weight: 1001, base: -1 }] }),
      'InvalidParameterException',
      /Value '1001' at 'defaultCapacityProviderStrategy\.1\.member\.weight' failed to satisfy constraint: Member must have value less than or equal to 1000.*Value '-1' at .*base' failed to satisfy constraint: Member must have value greater than or equal to 0/,
    );
    rejects(() => read('TagResourceRequest', { resourceArn: 'a', tags: [{ key: 'k'.repeat(129), value: 'v' }] }), 'InvalidParameterException', /Member must have length less than or equal to 128/);
    rejects(() => read('TagResourceRequest', { resourceArn: 'a', tags: [{ key: 'bad!key' }] }), 'InvalidParameterException', /Member must satisfy regular expression pattern/);
    assert.deepEqual(read('TagResourceRequest', { resourceArn: 'a', tags: [{ key: 'Team name: ünïcode', value: '' }] }), {
      resourceArn: 'a',
      tags: [{ key: 'Team name: ünïcode', value: '' }],
    });
  });

  test('a wrong type fails the whole request at once, before constraints', () => {
    rejects(() => read('ListClustersRequest', { maxResults: 'ten' }), 'SerializationException', /^class java\.lang\.String can not be converted to an Integer$/);
    rejects(() => read('ListTasksRequest', { cluster: 5 }), 'SerializationException', /class java\.lang\.Short can not be converted to an String/);
    rejects(() => read('DescribeServicesRequest', { services: 'web' }), 'SerializationException', /Expected list or null/);
    rejects(() => read('DescribeServicesRequest', { services: [{}] }), 'SerializationException', /Start of structure or map found where not expected/);
    rejects(() => read('RunTaskRequest', { taskDefinition: 'x', overrides: [] }), 'SerializationException', /Start of list found where not expected/);
    rejects(() => read('RunTaskRequest', { taskDefinition: 'x', enableECSManagedTags: 'true' }), 'SerializationException', /can not be converted to an Boolean/);
    rejects(() => read('ListClustersRequest', []), 'SerializationException');
  });

  test('numbers: integers truncated as AWS does, int range enforced', () => {
    assert.deepEqual(read('ListClustersRequest', { maxResults: 10.7 }), { maxResults: 10 });
    rejects(() => read('ListClustersRequest', { maxResults: 2 ** 31 }), 'SerializationException', /out of range of int/);
  });

  test('timestamps arrive as epoch seconds and become Dates', () => {
    const input = read('SubmitTaskStateChangeRequest', { pullStartedAt: 1714564800.25 }) as { pullStartedAt: Date };
    assert.ok(input.pullStartedAt instanceof Date);
    assert.equal(input.pullStartedAt.getTime(), 1714564800250);
    rejects(() => read('SubmitTaskStateChangeRequest', { pullStartedAt: '2024-05-01' }), 'SerializationException');
  });
});

describe('writing output', () => {
  test('only members of the output shape leave, Dates as epoch seconds, nulls omitted', () => {
    const task = {
      taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/abc',
      lastStatus: 'RUNNING',
      createdAt: new Date(1714564800500),
      startedAt: '2024-05-01T12:00:01.000Z', // as a record comes back from the store
      stoppedAt: null,
      version: 3,
      containers: [{ name: 'app', containerArn: 'c', exitCode: 0, internalDockerId: 'secret' }],
      tags: [],
      overrides: { containerOverrides: [] },
      internalPlacement: { instance: 'x' },
    };
    assert.deepEqual(writeEcs('DescribeTasksResponse')({ tasks: [task], failures: [], nextPage: 'x' }), {
      tasks: [
        {
          taskArn: task.taskArn,
          lastStatus: 'RUNNING',
          createdAt: 1714564800.5,
          startedAt: 1714564801,
          version: 3,
          containers: [{ name: 'app', containerArn: 'c', exitCode: 0 }],
          tags: [],
          overrides: { containerOverrides: [] },
        },
      ],
      failures: [],
    });
  });

  test('lists and maps of plain values go out as they are', () => {
    const clusterArns = ['a', 'b'];
    assert.equal((writeEcs('ListClustersResponse')({ clusterArns }) as { clusterArns: string[] }).clusterArns, clusterArns);
  });
});

// Shapes ECS does not have: blobs, maps with constrained keys, recursion, a document.
const model: ServiceModel = {
  metadata: { protocol: 'json', endpointPrefix: 'test', apiVersion: '2024-01-01', serviceId: 'Test', targetPrefix: 'Test' },
  operations: {},
  shapes: {
    Node: {
      type: 'structure',
      required: ['name'],
      members: {
        name: { shape: 'Name' },
        data: { shape: 'Data' },
        children: { shape: 'Nodes' },
        labels: { shape: 'Labels' },
        extra: { shape: 'Doc' },
        at: { shape: 'Time' },
      },
    },
    Nodes: { type: 'list', member: { shape: 'Node' }, max: 2 },
    Name: { type: 'string', min: 1, max: 8, pattern: '[a-z]+' },
    Data: { type: 'blob', max: 4 },
    Labels: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Count' } },
    Count: { type: 'integer', min: 0 },
    Doc: { type: 'structure', document: true },
    Time: { type: 'timestamp' },
  },
};

describe('a model of our own', () => {
  const readNode = inputReaders(model, jsonInput);
  const writeNode = outputWriters(model, jsonOutput)('Node');

  test('recursive shapes, blobs, maps and documents round-trip', () => {
    const input = read(
      'Node',
      { name: 'root', data: 'AQID', children: [{ name: 'leaf', children: [] }], labels: { a: 1 }, extra: { any: ['thing', 1] } },
      readNode,
    ) as Record<string, unknown>;
    assert.deepEqual(input.data, Buffer.from([1, 2, 3]));
    assert.deepEqual(writeNode({ ...input, at: new Date(1000) }), {
      name: 'root',
      data: 'AQID',
      children: [{ name: 'leaf', children: [] }],
      labels: { a: 1 },
      extra: { any: ['thing', 1] },
      at: 1,
    });
  });

  test('constraints deep in a recursive shape, in map keys and values, on blob and list sizes', () => {
    rejects(
      () => read('Node', { name: 'root', data: 'AQIDBAU=', children: [{ name: 'a' }, { name: 'b', children: [{}] }, { name: 'c' }], labels: { Upper: -1 } }, readNode),
      'InvalidParameterException',
      /^5 validation errors detected: .*at 'data' .*length less than or equal to 4.*at 'children\.2\.member\.children\.1\.member\.name' failed to satisfy constraint: Member must not be null.*at 'children' .*length less than or equal to 2.*Value 'Upper' at 'labels\.Upper\.member' .*pattern.*Value '-1' at 'labels\.Upper\.member' .*greater than or equal to 0/,
    );
    rejects(() => read('Node', { name: 'x', data: 'not base64!' }, readNode), 'SerializationException', /can not be converted to a Blob/);
  });
});
