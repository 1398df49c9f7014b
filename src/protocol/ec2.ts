// The EC2 variant of the query protocol (API 2016-11-15): parameters named by `queryName` or the capitalised
// `locationName`, lists as `Name.N` (`Filter.1.Value.1`); answers `<{Operation}Response>` with a lower-case
// `requestId` and the members straight inside; errors `<Response><Errors><Error>` with EC2's own codes
// (`InvalidVpcID.NotFound`, `InvalidParameterValue`, `AuthFailure`...) and an upper-case `RequestID`.
import { AuthFailure, IncompleteSignature, InternalError, InvalidParameterValue, MissingParameter, RequestExpired, SignatureDoesNotMatch } from '../core/errors.js';
import { ec2Naming } from './form.js';
import { renderValue, type PathStep } from './model.js';
import type { QueryDialect } from './query.js';
import { escapeXml } from './xml.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export const ec2Dialect: QueryDialect = {
  naming: ec2Naming,
  // EC2 answers in its namespace with a trailing slash, which the model's metadata leaves out.
  namespace(model) {
    const namespace = model.metadata.xmlNamespace ?? '';
    return namespace.endsWith('/') ? namespace : `${namespace}/`;
  },
  response(operation, content, requestId, namespace) {
    const name = operation.name;
    // An operation without an output shape (DeleteVpc) answers `<return>true</return>`, as EC2 does.
    const members = operation.output ? (content ?? '') : '<return>true</return>';
    return `${DECLARATION}<${name}Response xmlns="${escapeXml(namespace)}"><requestId>${escapeXml(requestId)}</requestId>${members}</${name}Response>`;
  },
  errorResponse(code, message, _status, requestId) {
    return (
      `${DECLARATION}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
      `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
    );
  },
  // EC2's codes: an unsigned request lacks "AWSAccessKeyId" (its Signature Version 2 wording), an unknown key is
  // an AuthFailure (401), and any time outside the window, or expired temporary credentials, is RequestExpired.
  authError(failure) {
    switch (failure.kind) {
      case 'missing':
        return new MissingParameter('The request must contain the parameter AWSAccessKeyId');
      case 'incomplete':
        return new IncompleteSignature(failure.message);
      case 'unknown-key':
      case 'invalid-token':
        return new AuthFailure('AWS was not able to validate the provided access credentials');
      case 'skewed':
      case 'expired':
      case 'expired-token':
        return new RequestExpired('Request has expired.');
      case 'invalid':
      case 'mismatch':
        return new SignatureDoesNotMatch(failure.message);
    }
  },
  // EC2 does not list violations: it names the first missing parameter, else the first invalid value.
  validationError(violations) {
    const missing = violations.find((violation) => violation.missing);
    if (missing)
      return new MissingParameter(`The request must include the ${parameter(missing.path)} parameter. Add the required parameter and retry the request.`);
    const { path, value, constraint } = violations[0]!;
    return new InvalidParameterValue(`Value (${renderValue(value)}) for parameter ${parameter(path)} is invalid. ${constraint}.`);
  },
  internalError: () => new InternalError('An internal error has occurred'),
};

/** A member's path as EC2 names it: `Filters.1.Name`. */
const parameter = (path: readonly PathStep[]) =>
  path.map((step) => (typeof step === 'number' ? String(step + 1) : typeof step === 'string' ? step : step.key)).join('.');
