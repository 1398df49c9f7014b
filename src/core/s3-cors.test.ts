// CORS rule matching as S3 documents it: origins with a wildcard, methods, requested headers ignoring case,
// the first matching rule winning; the headers of the answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corsHeaders, matchingCorsRule } from './s3-cors.js';
import type { CorsRule } from './s3.js';

const RULES: CorsRule[] = [
  { ID: 'app', AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['x-amz-*', 'Content-Type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 300 },
  { ID: 'public', AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
];

test('the first rule whose origin, method and requested headers match decides', () => {
  const request = (origin: string, method: string, requestHeaders: string[] = []) => matchingCorsRule(RULES, { origin, method, requestHeaders })?.ID;
  assert.equal(request('https://app.example.com', 'PUT', ['content-type', 'x-amz-meta-a']), 'app');
  assert.equal(request('https://app.example.com', 'GET'), 'app');
  assert.equal(request('https://other.org', 'GET'), 'public');
  assert.equal(request('https://other.org', 'PUT'), undefined);
  assert.equal(request('https://app.example.com', 'PUT', ['authorization']), undefined);
  assert.equal(request('https://app.example.com', 'DELETE'), undefined);
  assert.equal(request('http://app.example.com', 'PUT'), undefined);
});

test("the answer's headers: the origin (or *), methods, requested headers, exposed headers, max age", () => {
  const preflight = corsHeaders(RULES[0]!, { origin: 'https://app.example.com', method: 'PUT', requestHeaders: ['content-type'] }, true);
  assert.deepEqual(preflight, {
    'access-control-allow-origin': 'https://app.example.com',
    'access-control-allow-methods': 'GET, PUT',
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': 'content-type',
    'access-control-expose-headers': 'ETag',
    'access-control-max-age': '300',
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  });
  const actual = corsHeaders(RULES[1]!, { origin: 'https://other.org', method: 'GET', requestHeaders: [] }, false);
  assert.equal(actual['access-control-allow-origin'], '*');
  assert.equal(actual['access-control-allow-credentials'], undefined);
});
