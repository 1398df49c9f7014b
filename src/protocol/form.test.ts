// Form parameters back into shape values: awsQuery's and ec2's naming, lists, maps, and scalars from strings,
// on a small model of our own that has every kind of shape.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../core/errors.js';
import { ec2Naming, FormParams, formReaders, queryNaming } from './form.js';
import type { ServiceModel } from './service.js';

const model: ServiceModel = {
  metadata: { protocol: 'query', endpointPrefix: 'forms', apiVersion: '2024-01-01', serviceId: 'Forms' },
  operations: {},
  shapes: {
    Input: {
      type: 'structure',
      members: {
        Name: { shape: 'String' },
        Renamed: { shape: 'String', locationName: 'Alias' },
        lowerCase: { shape: 'String', locationName: 'lowerWire' },
        Queried: { shape: 'String', locationName: 'ignoredByEc2', queryName: 'QueryName' },
        Names: { shape: 'Names' },
        Items: { shape: 'Items' },
        Flat: { shape: 'Names', flattened: true },
        Tags: { shape: 'Tags' },
        Attributes: { shape: 'Attributes' },
        FlatAttributes: { shape: 'Attributes', flattened: true },
        Count: { shape: 'Integer' },
        Big: { shape: 'Long' },
        Ratio: { shape: 'Double' },
        Enabled: { shape: 'Boolean' },
        At: { shape: 'Timestamp' },
        Data: { shape: 'Blob' },
        Node: { shape: 'Node' },
      },
    },
    Names: { type: 'list', member: { shape: 'String' } },
    Items: { type: 'list', member: { shape: 'String', locationName: 'item' } },
    Tags: { type: 'list', member: { shape: 'Tag' } },
    Tag: { type: 'structure', members: { Key: { shape: 'String' }, Value: { shape: 'String' } } },
    Attributes: { type: 'map', key: { shape: 'String', locationName: 'Name' }, value: { shape: 'String', locationName: 'Value' } },
    Node: { type: 'structure', members: { Label: { shape: 'String' }, Child: { shape: 'Node' } } },
    String: { type: 'string' },
    Integer: { type: 'integer' },
    Long: { type: 'long' },
    Double: { type: 'double' },
    Boolean: { type: 'boolean' },
    Timestamp: { type: 'timestamp' },
    Blob: { type: 'blob' },
  },
};

const readQuery = formReaders(model, queryNaming)('Input');
const readEc2 = formReaders(model, ec2Naming)('Input');
const form = (params: Record<string, string>) => new FormParams(new Map(Object.entries(params)));
const query = (params: Record<string, string>) => readQuery(form(params), '');
const ec2 = (params: Record<string, string>) => readEc2(form(params), '');

const rejects = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AwsError);
    assert.equal(error.code, 'InvalidParameterValue');
    assert.equal(error.status, 400);
    assert.match(error.message, message);
    return true;
  });

describe('FormParams', () => {
  test('reads a form body after the query string; + is a space', () => {
    const params = FormParams.of('Action=A&X-Amz-Date=1', 'Version=1&Names.member.1=a+b%20c');
    assert.equal(params.get('Action'), 'A');
    assert.equal(params.get('Names.member.1'), 'a b c');
    assert.ok(params.has('Names') && params.has('Names.member') && !params.has('Name'));
  });
});

describe('awsQuery naming', () => {
  test('members by locationName, else their name; parameters the shape does not name are ignored', () => {
    assert.deepEqual(query({ Action: 'X', Name: 'n', Alias: 'a', lowerWire: 'l', Renamed: 'ignored', ignoredByEc2: 'q' }), {
      Name: 'n',
      Renamed: 'a',
      lowerCase: 'l',
      Queried: 'q',
    });
    assert.deepEqual(query({}), {});
  });

  test('lists: .member.N from 1, or the member locationName; flattened: .N; a bare name is an empty list', () => {
    assert.deepEqual(query({ 'Names.member.1': 'a', 'Names.member.2': 'b', 'Items.item.1': 'i', 'Flat.1': 'f', 'Flat.2': 'g' }), {
      Names: ['a', 'b'],
      Items: ['i'],
      Flat: ['f', 'g'],
    });
    assert.deepEqual(query({ Names: '' }), { Names: [] });
    // Items are read from 1 while they last.
    assert.deepEqual(query({ 'Names.member.1': 'a', 'Names.member.3': 'c' }), { Names: ['a'] });
  });

  test('lists of structures, and recursive structures', () => {
    assert.deepEqual(query({ 'Tags.member.1.Key': 'k1', 'Tags.member.1.Value': 'v1', 'Tags.member.2.Key': 'k2', 'Node.Label': 'a', 'Node.Child.Child.Label': 'c' }), {
      Tags: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2' }],
      Node: { Label: 'a', Child: { Child: { Label: 'c' } } },
    });
  });

  test('maps: .entry.N.<key>/.<value> by their locationNames; flattened without .entry; any key', () => {
    const { Attributes, FlatAttributes } = query({
      'Attributes.entry.1.Name': 'idle',
      'Attributes.entry.1.Value': '60',
      'Attributes.entry.2.Name': '__proto__',
      'Attributes.entry.2.Value': 'plain',
      'FlatAttributes.1.Name': 'x',
      'FlatAttributes.1.Value': 'y',
    }) as Record<string, Record<string, string>>;
    assert.deepEqual({ ...Attributes }, { idle: '60', ['__proto__']: 'plain' });
    assert.equal(Object.getPrototypeOf(Attributes), null);
    assert.deepEqual({ ...FlatAttributes }, { x: 'y' });
  });
});

describe('ec2 naming', () => {
  test('queryName, else the capitalised locationName, else the capitalised name; lists always Name.N', () => {
    assert.deepEqual(ec2({ Name: 'n', Alias: 'a', LowerWire: 'l', QueryName: 'q', IgnoredByEc2: 'no', 'Names.1': 'a', 'Names.2': 'b', 'Items.1': 'i' }), {
      Name: 'n',
      Renamed: 'a',
      lowerCase: 'l',
      Queried: 'q',
      Names: ['a', 'b'],
      Items: ['i'],
    });
    assert.deepEqual(ec2({ 'Tags.1.Key': 'k', 'Tags.1.Value': 'v' }), { Tags: [{ Key: 'k', Value: 'v' }] });
  });
});

describe('scalars', () => {
  test('integers, longs, doubles, booleans, timestamps, blobs', () => {
    assert.deepEqual(
      query({ Count: '-12', Big: '9007199254740991', Ratio: '0.25', Enabled: 'TRUE', At: '2024-05-01T12:00:00.500Z', Data: Buffer.from('hi').toString('base64') }),
      { Count: -12, Big: 9007199254740991, Ratio: 0.25, Enabled: true, At: new Date('2024-05-01T12:00:00.500Z'), Data: Buffer.from('hi') },
    );
    assert.deepEqual(query({ At: '1714564800.5', Enabled: 'false' }), { At: new Date(1714564800500), Enabled: false });
  });

  test('a string that is not of its type fails the request, naming its parameter', () => {
    rejects(() => query({ Count: 'ten' }), /^Value \(ten\) for parameter Count is invalid\. Expected an integer\.$/);
    rejects(() => query({ Count: '2147483648' }), /Expected an integer/);
    rejects(() => query({ Count: '1.5' }), /Expected an integer/);
    rejects(() => query({ Big: '1e3' }), /Expected a long integer/);
    rejects(() => query({ Ratio: '' }), /Expected a number/);
    rejects(() => query({ Enabled: 'yes' }), /Expected true or false/);
    rejects(() => query({ At: 'yesterday' }), /Expected an ISO 8601 timestamp/);
    rejects(() => query({ Data: 'not base64!' }), /Expected Base64/);
    rejects(() => ec2({ 'Tags.1.Key': 'k', 'Node.Child.Label': 'x', Count: 'x' }), /parameter Count/);
    rejects(() => query({ 'Tags.member.1.Key': 'k', 'Node.Child.Label': 'x', 'Names.member.1': 'a', Count: '' }), /Value \(\) for parameter Count/);
  });
});

describe('bounds', () => {
  test('a name longer or deeper than any model names is ignored, at no cost beyond reading it', () => {
    const params = FormParams.of('', `Action=ListUsers&${'.'.repeat(5_000_000)}=x&${'a.'.repeat(40)}b=y&Tags.member.1.Key=k`);
    assert.equal(params.get('Action'), 'ListUsers');
    assert.equal(params.has('a'), false);
    assert.equal(params.get('Tags.member.1.Key'), 'k');
  });

  test('more than 20,000 parameters is refused', () => {
    assert.throws(() => FormParams.of('', Array.from({ length: 20_001 }, (_, i) => `p${i}=v`).join('&')), { code: 'InvalidParameterValue' });
  });
});
