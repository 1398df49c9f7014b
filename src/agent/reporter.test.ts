import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ECSServiceException, InvalidParameterException } from '@aws-sdk/client-ecs';
import { refused } from './reporter.js';

const fault = (name: string, httpStatusCode: number) => new ECSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });

test('a state change the control plane refuses by name is not sent again', () => {
  assert.equal(refused(new InvalidParameterException({ $metadata: { httpStatusCode: 400 }, message: 'no such task' })), true);
  assert.equal(refused(fault('AccessDeniedException', 400)), true);
});

test('a 408, a 429, an unreadable 4xx or a server fault is retried', () => {
  assert.equal(refused(fault('Unknown', 408)), false);
  assert.equal(refused(fault('Unknown', 400)), false);
  assert.equal(refused(fault('ThrottlingException', 429)), false);
  assert.equal(refused(new ECSServiceException({ name: 'ServerException', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'x' })), false);
  assert.equal(refused(new Error('socket hang up')), false);
});
