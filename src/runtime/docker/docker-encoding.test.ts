import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuntimeError } from '../../core/runtime.js';
import { bindEntry, dnsSearchEntry, dnsServerEntry, dockerName, environmentEntry, extraHostEntry, linkEntry, tmpfsOptions } from './docker-encoding.js';

const invalid = (e: unknown) => e instanceof RuntimeError && e.code === 'InvalidSpec';

test('values that stay one field are written as they are', () => {
  assert.equal(environmentEntry('A', 'b=c\nd'), 'A=b=c\nd');
  assert.equal(bindEntry({ kind: 'bind', source: '/data/x', containerPath: '/x', readOnly: true }), '/data/x:/x:ro');
  assert.equal(bindEntry({ kind: 'volume', source: 'ecs-task-1-data', containerPath: '/x' }), 'ecs-task-1-data:/x');
  assert.equal(extraHostEntry('db.local', '10.0.0.2'), 'db.local:10.0.0.2');
  assert.equal(linkEntry('ecs-web-1', 'web'), 'ecs-web-1:web');
  assert.equal(tmpfsOptions(64, ['rw', 'mode=1777']), 'size=64m,rw,mode=1777');
  assert.equal(dnsServerEntry('172.17.0.1'), '172.17.0.1');
  assert.equal(dnsServerEntry('fd00::53'), 'fd00::53');
  assert.equal(dnsSearchEntry('corp.local'), 'corp.local');
});

test('a value that would end its field early is refused as an invalid spec', () => {
  assert.throws(() => environmentEntry('PATH=/evil:x', 'v'), invalid);
  assert.throws(() => environmentEntry('A', 'v\0w'), invalid);
  assert.throws(() => bindEntry({ kind: 'bind', source: '/:/host', containerPath: '/x' }), invalid);
  assert.throws(() => bindEntry({ kind: 'bind', source: '/data', containerPath: '/x:rw,z' }), invalid);
  assert.throws(() => bindEntry({ kind: 'bind', source: '/data/../etc', containerPath: '/x' }), invalid);
  assert.throws(() => bindEntry({ kind: 'volume', source: '/etc', containerPath: '/x' }), invalid);
  assert.throws(() => extraHostEntry('a\n1.2.3.4 bank.example.com', '10.0.0.2'), invalid);
  assert.throws(() => extraHostEntry('a', '10.0.0.2\n1.2.3.4 b'), invalid);
  assert.throws(() => tmpfsOptions(64, ['rw,exec']), invalid);
  assert.throws(() => dockerName('../x'), invalid);
  assert.throws(() => dnsServerEntry('10.0.0.2\nnameserver 6.6.6.6'), invalid);
  assert.throws(() => dnsServerEntry('resolver.local'), invalid);
  assert.throws(() => dnsSearchEntry('a.local options ndots:15'), invalid);
  assert.throws(() => dnsSearchEntry('a.local\nnameserver 6.6.6.6'), invalid);
});
