// Output shapes written as XML, on a small model of our own that has every kind of shape.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServiceModel } from './service.js';
import { element, escapeXml, xmlWriters } from './xml.js';

const model: ServiceModel = {
  metadata: { protocol: 'query', endpointPrefix: 'xml', apiVersion: '2024-01-01', serviceId: 'Xml' },
  operations: {},
  shapes: {
    Output: {
      type: 'structure',
      members: {
        Name: { shape: 'String' },
        Renamed: { shape: 'String', locationName: 'alias' },
        Names: { shape: 'Names' },
        Items: { shape: 'Items' },
        Flat: { shape: 'Names', flattened: true },
        FlatItems: { shape: 'Items', flattened: true },
        Attributes: { shape: 'Attributes' },
        Named: { shape: 'NamedMap' },
        FlatAttributes: { shape: 'Attributes', flattened: true, locationName: 'Attribute' },
        Count: { shape: 'Integer' },
        Ratio: { shape: 'Double' },
        Enabled: { shape: 'Boolean' },
        At: { shape: 'Timestamp' },
        Data: { shape: 'Blob' },
        Node: { shape: 'Node' },
      },
    },
    Names: { type: 'list', member: { shape: 'String' } },
    Items: { type: 'list', member: { shape: 'Node', locationName: 'item' } },
    Attributes: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    NamedMap: { type: 'map', key: { shape: 'String', locationName: 'Key' }, value: { shape: 'Integer', locationName: 'Value' } },
    Node: { type: 'structure', members: { Label: { shape: 'String' }, Child: { shape: 'Node' } } },
    String: { type: 'string' },
    Integer: { type: 'integer' },
    Double: { type: 'double' },
    Boolean: { type: 'boolean' },
    Timestamp: { type: 'timestamp' },
    Blob: { type: 'blob' },
  },
};

const write = xmlWriters(model)('Output');

describe('xmlWriters', () => {
  test('members by locationName, else their name; only modelled, non-null members; nothing for a non-object', () => {
    assert.equal(write({ Name: 'n', Renamed: 'r', Secret: 's', Count: null, Node: undefined }), '<Name>n</Name><alias>r</alias>');
    assert.equal(write({}), '');
    assert.equal(write(undefined), undefined);
  });

  test('lists: <member>, or the member locationName; flattened lists repeat in place; empty lists are empty elements', () => {
    assert.equal(write({ Names: ['a', null, 'b'], Items: [{ Label: 'x' }] }), '<Names><member>a</member><member>b</member></Names><Items><item><Label>x</Label></item></Items>');
    assert.equal(write({ Flat: ['a', 'b'], FlatItems: [{ Label: 'x' }] }), '<Flat>a</Flat><Flat>b</Flat><item><Label>x</Label></item>');
    assert.equal(write({ Names: [] }), '<Names/>');
  });

  test('maps: <entry><key/><value/></entry>, names from the model; flattened maps repeat in place', () => {
    assert.equal(write({ Attributes: { a: '1', b: null } }), '<Attributes><entry><key>a</key><value>1</value></entry></Attributes>');
    assert.equal(write({ Named: { x: 2 } }), '<Named><entry><Key>x</Key><Value>2</Value></entry></Named>');
    assert.equal(write({ FlatAttributes: { a: '1', b: '2' } }), '<Attribute><key>a</key><value>1</value></Attribute><Attribute><key>b</key><value>2</value></Attribute>');
  });

  test('scalars: numbers and booleans as text, timestamps in ISO 8601 from Dates, strings or epoch seconds, blobs in Base64', () => {
    assert.equal(write({ Count: 3, Ratio: 0.5, Enabled: false }), '<Count>3</Count><Ratio>0.5</Ratio><Enabled>false</Enabled>');
    for (const at of [new Date(1714564800500), '2024-05-01T12:00:00.500Z', 1714564800.5])
      assert.equal(write({ At: at }), '<At>2024-05-01T12:00:00.500Z</At>');
    assert.equal(write({ At: 'not a date' }), '');
    assert.equal(write({ Data: Buffer.from('hi') }), '<Data>aGk=</Data>');
    assert.equal(write({ Name: { an: 'object' } }), '');
  });

  test('recursive structures', () => {
    assert.equal(write({ Node: { Label: 'a', Child: { Child: { Label: 'c' } } } }), '<Node><Label>a</Label><Child><Child><Label>c</Label></Child></Child></Node>');
  });

  test('text is escaped; a carriage return survives as a character reference', () => {
    assert.equal(write({ Name: `a & <b> "c" 'd'\r\n` }), `<Name>a &amp; &lt;b&gt; &quot;c&quot; 'd'&#xD;\n</Name>`);
    assert.equal(escapeXml('plain'), 'plain');
    assert.equal(element('Empty', ''), '<Empty/>');
  });
});
