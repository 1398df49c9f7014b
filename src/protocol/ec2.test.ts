// The EC2 dialect on its own: what it answers each kind of failure with, and its envelopes. query.test.ts drives
// it end to end with @aws-sdk/client-ec2, botocore and the aws CLI.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ec2Dialect } from './ec2.js';
import { loadModel, type Violation } from './model.js';
import type { ServiceBinding } from './service.js';
import { SignatureFailure, type SignatureFailureKind } from './sigv4.js';

const model = loadModel('ec2');
const binding: ServiceBinding = { model, handlers: {} };

describe('ec2Dialect', () => {
  test('answers in the model namespace, with the trailing slash EC2 sends', () => {
    assert.equal(model.metadata.xmlNamespace, 'http://ec2.amazonaws.com/doc/2016-11-15');
    assert.equal(ec2Dialect.namespace(model), 'http://ec2.amazonaws.com/doc/2016-11-15/');
  });

  test('signature failures: the code and status EC2 answers each with', () => {
    const answers: Record<SignatureFailureKind, [string, number]> = {
      missing: ['MissingParameter', 400],
      incomplete: ['IncompleteSignature', 400],
      invalid: ['SignatureDoesNotMatch', 403],
      skewed: ['RequestExpired', 400],
      expired: ['RequestExpired', 400],
      'unknown-key': ['AuthFailure', 401],
      'invalid-token': ['AuthFailure', 401],
      'expired-token': ['RequestExpired', 400],
      mismatch: ['SignatureDoesNotMatch', 403],
    };
    for (const [kind, [code, status]] of Object.entries(answers)) {
      const error = ec2Dialect.authError(new SignatureFailure(kind as SignatureFailureKind, 'why'));
      assert.deepEqual([error.code, error.status], [code, status], kind);
    }
  });

  test('constraint violations: the first missing parameter, else the first invalid value, by its path', () => {
    const violation = (path: Violation['path'], value: unknown, constraint: string, missing = false): Violation => ({ path, value, constraint, missing });
    const invalid = violation(['Filters', 0, 'Values', 1], 'x'.repeat(3), 'Member must have length less than or equal to 2');
    const missing = violation(['VpcId'], null, 'Member must not be null', true);
    const first = ec2Dialect.validationError([invalid, missing], binding);
    assert.equal(first.code, 'MissingParameter');
    assert.equal(first.message, 'The request must include the VpcId parameter. Add the required parameter and retry the request.');
    const only = ec2Dialect.validationError([invalid], binding);
    assert.equal(only.code, 'InvalidParameterValue');
    assert.equal(only.message, 'Value (xxx) for parameter Filters.1.Values.2 is invalid. Member must have length less than or equal to 2.');
  });

  test('our bugs are InternalError (500)', () => {
    const error = ec2Dialect.internalError(model);
    assert.deepEqual([error.code, error.status], ['InternalError', 500]);
  });

  test('envelopes: members straight in the response, requestId first; errors in <Response><Errors>', () => {
    const operation = model.operations.CreateVpc!;
    assert.equal(
      ec2Dialect.response(operation, '<vpc><vpcId>vpc-1</vpcId></vpc>', 'r-1', 'ns/'),
      '<?xml version="1.0" encoding="UTF-8"?><CreateVpcResponse xmlns="ns/"><requestId>r-1</requestId><vpc><vpcId>vpc-1</vpcId></vpc></CreateVpcResponse>',
    );
    assert.equal(
      ec2Dialect.errorResponse('InvalidVpcID.NotFound', 'no <vpc>', 400, 'r-2', 'ns/'),
      '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>no &lt;vpc&gt;</Message></Error></Errors><RequestID>r-2</RequestID></Response>',
    );
  });
});
