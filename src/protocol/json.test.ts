// The awsJson codec on its own: routing by X-Amz-Target, what each service answers with (its content type,
// validation code and fault code from its model), and the wiring mistakes it refuses at start-up.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError } from '../core/errors.js';
import { awsJsonProtocol } from './json.js';
import type { RequestHead } from './wire.js';
import type { ServiceModel } from './service.js';
import { SignatureFailure } from './sigv4.js';

// A DynamoDB-like awsJson 1.0 service: it names ValidationException and a fault of its own.
const model: ServiceModel = {
  metadata: {
    protocol: 'json',
    jsonVersion: '1.0',
    targetPrefix: 'Store_20240101',
    signingName: 'store',
    endpointPrefix: 'store',
    apiVersion: '2024-01-01',
    serviceId: 'Store',
  },
  operations: {
    Put: { name: 'Put', http: { method: 'POST', requestUri: '/' }, input: { shape: 'PutInput' }, output: { shape: 'PutOutput' } },
    Ping: { name: 'Ping', http: { method: 'POST', requestUri: '/' } },
  },
  shapes: {
    PutInput: { type: 'structure', required: ['key'], members: { key: { shape: 'Key' } } },
    PutOutput: { type: 'structure', members: { at: { shape: 'Time' } } },
    Key: { type: 'string', max: 3 },
    Time: { type: 'timestamp' },
    ValidationException: { type: 'structure', exception: true, members: { message: { shape: 'Key' } } },
    InternalServerError: { type: 'structure', exception: true, fault: true, members: { message: { shape: 'Key' } } },
  },
};

const protocol = awsJsonProtocol([{ model, handlers: { Put: () => ({}) } }]);
const head = (target?: string): RequestHead => ({ method: 'POST', path: '/', query: '', headers: target ? { 'x-amz-target': target } : {} });
const body = (json: unknown) => Buffer.from(JSON.stringify(json));

describe('awsJson', () => {
  test('routes by X-Amz-Target; requests without one are not awsJson', () => {
    assert.equal(protocol.route(head()), undefined);
    const route = protocol.route(head('Store_20240101.Put'))!;
    const call = route.decode(head('Store_20240101.Put'), body({ key: 'k' }));
    assert.equal(call.operation.name, 'Put');
    assert.deepEqual(call.service, route);
    assert.equal(call.service.signingName, 'store');
    assert.equal(call.service.clockSkewMinutes, 5);
  });

  test('an operation without input reads as {}; one without output answers {}', () => {
    const route = protocol.route(head('Store_20240101.Ping'))!;
    const call = route.decode(head('Store_20240101.Ping'), body({ ignored: true }));
    assert.deepEqual(call.operation.readInput(call.raw), {});
    assert.equal(call.operation.encodeOutput(undefined, 'r').body, '{}');
  });

  test('answers in the protocol version of the model, timestamps in epoch seconds', () => {
    const route = protocol.route(head('Store_20240101.Put'))!;
    const { operation } = route.decode(head('Store_20240101.Put'), body({ key: 'k' }));
    const response = operation.encodeOutput({ at: new Date(1500) }, 'req-1');
    assert.deepEqual(response, {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'req-1' },
      body: '{"at":1.5}',
    });
  });

  test("constraint violations carry the model's own code: ValidationException here", () => {
    const route = protocol.route(head('Store_20240101.Put'))!;
    const call = route.decode(head('Store_20240101.Put'), body({ key: 'long' }));
    assert.throws(() => call.operation.readInput(call.raw), { code: 'ValidationException', message: /length less than or equal to 3/ });
  });

  test('a bug is answered with the fault the model names', () => {
    const error = protocol.route(head('Store_20240101.Put'))!.internalError();
    assert.equal(error.code, 'InternalServerError');
    assert.equal(error.status, 500);
  });

  test('an empty or malformed body, an unknown operation', () => {
    const route = protocol.route(head('Store_20240101.Put'))!;
    assert.throws(() => route.decode(head('Store_20240101.Put'), Buffer.alloc(0)), { code: 'SerializationException' });
    assert.throws(() => route.decode(head('Store_20240101.Put'), Buffer.from('{"key"')), { code: 'SerializationException' });
    assert.throws(() => route.decode(head('Store_20240101.Get'), body({})), { code: 'UnknownOperationException' });
  });

  test('errors: __type, message, x-amzn-ErrorType; signature failures all 400', () => {
    const route = protocol.route(head('Store_20240101.Put'))!;
    const response = route.encodeError(new AwsError('ValidationException', 'no'), 'req-2');
    assert.deepEqual(response, {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'req-2', 'x-amzn-ErrorType': 'ValidationException' },
      body: '{"__type":"ValidationException","message":"no"}',
    });
    const codes = (['missing', 'incomplete', 'invalid', 'expired', 'unknown-key', 'invalid-token', 'expired-token', 'mismatch'] as const).map((kind) => {
      const error = route.authError(new SignatureFailure(kind, 'm'));
      assert.equal(error.status, 400);
      return error.code;
    });
    assert.deepEqual(codes, [
      'MissingAuthenticationTokenException',
      'IncompleteSignatureException',
      'InvalidSignatureException',
      'InvalidSignatureException',
      'UnrecognizedClientException',
      'UnrecognizedClientException',
      'ExpiredTokenException',
      'InvalidSignatureException',
    ]);
  });

  test('a handler for an operation the model lacks is a wiring mistake', () => {
    assert.throws(() => awsJsonProtocol([{ model, handlers: { Putt: () => ({}) } }]), /has no operation Putt/);
  });
});
