import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceModel } from './service.js';
import { compileShapes, type ShapeCompiler } from './shapes.js';

const model = {
  metadata: { protocol: 'json', endpointPrefix: 'x', apiVersion: '1', serviceId: 'X' },
  operations: {},
  shapes: {
    Node: { type: 'structure', members: { name: { shape: 'Name' }, children: { shape: 'Nodes' }, doc: { shape: 'Doc' } } },
    Nodes: { type: 'list', member: { shape: 'Node' } },
    Name: { type: 'string' },
    Doc: { type: 'structure', document: true },
  },
} as unknown as ServiceModel;

/** A walk that describes each shape's value as text: enough to see the tree it compiles to. */
function describer(counts: Map<string, number>): ShapeCompiler<(v: any) => string> {
  const count = (kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return {
    structure(shape, compile) {
      count('structure');
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => [name, compile(ref.shape)] as const);
      return (v) => `{${members.filter(([name]) => v[name] !== undefined).map(([name, m]) => `${name}:${m(v[name])}`).join(',')}}`;
    },
    list(shape, compile) {
      count('list');
      const item = compile(shape.member!.shape);
      return (v) => `[${v.map(item).join(',')}]`;
    },
    map: () => () => 'map',
    scalar: (shape) => (v) => `${shape.type}(${v})`,
    document: () => (v) => `doc(${JSON.stringify(v)})`,
  };
}

test('compileShapes compiles each shape once, walks recursive shapes, and hands documents to their own leaf', () => {
  const counts = new Map<string, number>();
  const compile = compileShapes(model, describer(counts));
  const node = compile('Node');
  assert.equal(compile('Node'), node, 'compiled once, then shared');
  assert.equal(
    node({ name: 'a', children: [{ name: 'b', children: [] }], doc: { any: 1 } }),
    '{name:string(a),children:[{name:string(b),children:[]}],doc:doc({"any":1})}',
  );
  assert.deepEqual(Object.fromEntries(counts), { structure: 1, list: 1 });
  assert.throws(() => compile('Nope'), /shape Nope is not in the X model/);
});
