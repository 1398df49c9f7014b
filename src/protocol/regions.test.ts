// The region list is the SDK's: a new region in the SDK's endpoint table must show here too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { isRegion, regionsByPartition } from './regions.js';

test('the regions are those of the SDK partition table, without the *-global endpoints', () => {
  // The table is not among @aws-sdk/core's exports: read from its file.
  const core = dirname(createRequire(import.meta.url).resolve('@aws-sdk/core/package.json'));
  const source = readFileSync(join(core, 'dist-cjs/submodules/client/index.js'), 'utf8');
  const table = JSON.parse(source.slice(source.indexOf('{', source.indexOf('partitionsInfo')), source.indexOf('};', source.indexOf('partitionsInfo')) + 1)) as {
    partitions: { id: string; regions: Record<string, unknown> }[];
  };
  const expected = Object.fromEntries(table.partitions.map(({ id, regions }) => [id, Object.keys(regions).filter((name) => !name.endsWith('-global')).sort()]));
  assert.deepEqual(Object.fromEntries(Object.entries(regionsByPartition()).map(([id, names]) => [id, [...names].sort()])), expected);
});

test('a region that does not exist', () => {
  assert.equal(isRegion('us-east-2'), true);
  assert.equal(isRegion('us-east-9'), false);
  assert.equal(isRegion('aws-global'), false);
});
