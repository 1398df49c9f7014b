// The layering of docs/architecture.md, enforced: which folder may import which, and a deterministic core
// (no clock, no randomness, no I/O in core/ and scheduler/).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const src = join(root, 'src');

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  scheduler: ['core', 'scheduler'],
  control: ['core', 'scheduler', 'control'],
  protocol: ['core', 'protocol'],
  api: ['core', 'control', 'protocol', 'api'],
  store: ['core', 'store'],
  runtime: ['core', 'runtime'],
  agent: ['core', 'agent'],
  lb: ['core', 'lb'],
  registry: ['core', 'registry'],
  dns: ['core', 'dns'],
  imds: ['core', 'imds'],
  nfs: ['core', 'nfs'],
  cli: ['core', 'scheduler', 'control', 'protocol', 'api', 'store', 'runtime', 'agent', 'lb', 'registry', 'dns', 'imds', 'nfs', 'cli'],
};
const PURE = ['core', 'scheduler'];

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    // Tests, and the fixtures that build their worlds from concrete adapters (fixtures.ts, *-fixtures.ts), are exempt.
    else if (entry.name.endsWith('.ts') && !/(\.test|^fixtures|-fixtures)\.ts$/.test(entry.name)) yield path;
  }
}

const layerOf = (file: string) => relative(src, file).split(sep)[0]!;

test('each layer imports only the layers it may', () => {
  const violations: string[] = [];
  for (const file of sources(src)) {
    const layer = layerOf(file);
    const allowed = ALLOWED[layer];
    assert.ok(allowed, `unknown layer ${layer}: add it to docs/architecture.md and this test`);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
      if (!spec!.startsWith('.')) continue;
      const target = layerOf(join(dirname(file), spec!));
      if (!allowed.includes(target)) violations.push(`${relative(root, file)} imports ${spec} (${layer} -> ${target})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('core and scheduler are deterministic and free of I/O', () => {
  const violations: string[] = [];
  for (const layer of PURE) {
    for (const file of sources(join(src, layer))) {
      const text = readFileSync(file, 'utf8');
      const rules: [RegExp, string][] = [
        [/Date\.now\(|new Date\(\)/, 'reads the clock (use the Clock port)'],
        [/Math\.random\(/, 'uses randomness (inject it)'],
        [/from\s+'node:(fs|net|http|https|child_process|dgram)/, 'does I/O'],
        [/^import (?!type)[^;]*from\s+'@aws-sdk\//m, 'imports an SDK at run time (type imports only)'],
      ];
      for (const [pattern, why] of rules) if (pattern.test(text)) violations.push(`${relative(root, file)} ${why}`);
    }
  }
  assert.deepEqual(violations, []);
});
