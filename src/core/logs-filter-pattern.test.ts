// The filter-pattern syntax, from AWS's documented examples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from './errors.js';
import { compileFilterPattern, messageFields } from './logs-filter-pattern.js';

const matches = (pattern: string, messages: string[]) => {
  const match = compileFilterPattern(pattern);
  return messages.filter((m) => match(m));
};

describe('filter patterns', () => {
  it('terms: all of them, case-sensitive, quoted phrases, ?any and -exclusions', () => {
    const lines = ['[ERROR] Exiting with code 1', '[ERROR] Caught exception', '[WARN] slow', 'error: lower case', 'INFO connection reset by peer'];
    assert.deepEqual(matches('', lines), lines);
    assert.deepEqual(matches('ERROR', lines), lines.slice(0, 2));
    assert.deepEqual(matches('ERROR Exiting', lines), lines.slice(0, 1));
    assert.deepEqual(matches('ERROR -Exiting', lines), lines.slice(1, 2));
    assert.deepEqual(matches('?ERROR ?WARN', lines), lines.slice(0, 3));
    assert.deepEqual(matches('"connection reset"', lines), lines.slice(4));
    assert.deepEqual(matches('"reset connection"', lines), []);
    assert.deepEqual(matches('%ERR(OR)?\\]%', lines), lines.slice(0, 2));
  });

  it('JSON: comparisons, wildcards, && and ||, arrays, IS NULL, NOT EXISTS; non-JSON never matches', () => {
    const lines = [
      JSON.stringify({ eventType: 'UpdateTrail', latency: 50, user: { id: 1, email: 'a@example.com' }, tags: ['x', 'y'], ok: true }),
      JSON.stringify({ eventType: 'CreateTrail', latency: 500, user: { id: 2 }, tags: [], ok: false, note: null }),
      JSON.stringify({ eventType: 'DeleteBucket', latency: '7', items: [{ id: 3 }, { id: 4 }] }),
      'not json { $.eventType }',
    ];
    assert.deepEqual(matches('{ $.eventType = "UpdateTrail" }', lines), lines.slice(0, 1));
    assert.deepEqual(matches('{ $.eventType = *Trail }', lines), lines.slice(0, 2));
    assert.deepEqual(matches('{ $.eventType != "UpdateTrail" }', lines), lines.slice(1, 3));
    assert.deepEqual(matches('{ $.latency > 100 }', lines), lines.slice(1, 2));
    assert.deepEqual(matches('{ $.latency <= 50 }', lines), [lines[0], lines[2]]);
    assert.deepEqual(matches('{ ($.latency > 100) || ($.user.id = 1) }', lines), lines.slice(0, 2));
    assert.deepEqual(matches('{ $.latency < 100 && $.user.id = 1 }', lines), lines.slice(0, 1));
    assert.deepEqual(matches('{ $.tags[1] = "y" }', lines), lines.slice(0, 1));
    assert.deepEqual(matches('{ $.items[*].id = 4 }', lines), lines.slice(2, 3));
    assert.deepEqual(matches('{ $.user.email NOT EXISTS }', lines), lines.slice(1, 3));
    assert.deepEqual(matches('{ $.note IS NULL }', lines), lines.slice(1, 2));
    assert.deepEqual(matches('{ $.ok IS TRUE }', lines), lines.slice(0, 1));
    assert.deepEqual(matches('{ $.ok IS FALSE }', lines), lines.slice(1, 2));
    assert.deepEqual(matches('{ $.user.email = %@example\\.com$% }', lines), lines.slice(0, 1));
  });

  it('space-delimited: named fields, ... for any number, conditions with wildcards and numbers', () => {
    const lines = [
      '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
      '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
      '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 99',
      'too short',
    ];
    assert.deepEqual(messageFields(lines[0]!), ['127.0.0.1', '-', 'frank', '10/Oct/2000:13:25:15 -0700', 'GET /apache_pb.gif HTTP/1.0', '200', '1534']);
    assert.deepEqual(matches('[ip, user, username, timestamp, request, status_code, bytes]', lines), lines.slice(0, 3));
    assert.deepEqual(matches('[ip, user, username, timestamp, request, status_code = 4*, bytes]', lines), lines.slice(2, 3));
    assert.deepEqual(matches('[..., status_code = 4* || status_code = 5*, bytes]', lines), lines.slice(1, 3));
    assert.deepEqual(matches('[..., bytes > 1000]', lines), lines.slice(0, 2));
    assert.deepEqual(matches('[ip = 127.0.0.1, ..., status_code != 200, bytes < 1000]', lines), lines.slice(2, 3));
    assert.deepEqual(matches('[w1, w2]', lines), lines.slice(3));
  });

  it('refuses malformed patterns with InvalidParameterException', () => {
    for (const bad of ['{ $.a = }', '{ $.a = "x"', '[a, b', '{ a = 1 }', '{ $.a > "x" }', '"unterminated', '{ $.a IS MAYBE }', 'a=b']) {
      assert.throws(() => compileFilterPattern(bad), (e: AwsError) => e.code === 'InvalidParameterException', bad);
    }
  });
});
