// REST-JSON's bodies and errors (EFS, Scheduler): JSON documents of the body members (awsJson's value
// forms: epoch-second timestamps, Base64 blobs), errors with `x-amzn-ErrorType` and a JSON body that carries
// the error shape's members. These services sit behind AWS's REST front end, which refuses a bad signature
// with 403.
import { AwsError, SerializationException } from '../core/errors.js';
import { checkJsonBounds, jsonOutput } from './json.js';
import { outputWriters, type Writer } from './model.js';
import type { BodyCodec } from './rest.js';
import type { ServiceModel } from './service.js';
import type { SignatureFailure } from './sigv4.js';

export function jsonCodec(model: ServiceModel): BodyCodec {
  const write = outputWriters(model, jsonOutput);
  return {
    contentType: 'application/json',
    reader: () => (body) => {
      checkJsonBounds(body);
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new SerializationException(`Request body is not valid JSON: ${(error as Error).message}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SerializationException('Request body is not a JSON object');
      return value as Record<string, unknown>;
    },
    writer: (shape) => {
      const writer = write(shape);
      return (value) => JSON.stringify(writer(value) ?? {});
    },
  };
}

/** The members an error shape has beyond its message (EFS's ErrorCode), from the thrown error's own properties. */
export function jsonErrorMembers(model: ServiceModel): (error: AwsError) => unknown {
  const write = outputWriters(model, jsonOutput);
  const writers = new Map<string, Writer>();
  for (const [name, shape] of Object.entries(model.shapes)) if (shape.exception) writers.set(shape.error?.code ?? name, write(name));
  return (error) => {
    const writer = writers.get(error.code);
    if (!writer) return undefined;
    // EFS's errors carry ErrorCode and Message (capitalised) beside the message every SDK reads.
    return { ErrorCode: error.code, Message: error.message, ...(writer(error) as object | undefined) };
  };
}

/** SigV4 failures as AWS's REST front end answers them: 403, but for a malformed signature (400). */
export function restJsonAuthError(failure: SignatureFailure): AwsError {
  switch (failure.kind) {
    case 'missing':
      return new AwsError('MissingAuthenticationTokenException', failure.message, 403);
    case 'incomplete':
      return new AwsError('IncompleteSignatureException', failure.message, 400);
    case 'unknown-key':
    case 'invalid-token':
      return new AwsError('UnrecognizedClientException', failure.message, 403);
    case 'expired-token':
      return new AwsError('ExpiredTokenException', failure.message, 403);
    default:
      return new AwsError('InvalidSignatureException', failure.message, 403);
  }
}
