import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { securePrivateDir } from './data-dir.js';

const mode = (path: string) => statSync(path).mode & 0o777;

test('the directory, those below it and every file become the owner\'s alone, whoever made them', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'wharf-modes-')), 'data');
  mkdirSync(join(dir, 'agent'), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'wharf.db'), '', { mode: 0o644 });
  writeFileSync(join(dir, 'agent', 'state.json'), '', { mode: 0o666 });
  const outside = join(mkdtempSync(join(tmpdir(), 'wharf-outside-')), 'shared');
  writeFileSync(outside, '', { mode: 0o644 });
  symlinkSync(outside, join(dir, 'link'));
  securePrivateDir(dir);
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, 'agent')), 0o700);
  assert.equal(mode(join(dir, 'wharf.db')), 0o600);
  assert.equal(mode(join(dir, 'agent', 'state.json')), 0o600);
  assert.equal(mode(outside), 0o644, 'a link is not followed');
});
