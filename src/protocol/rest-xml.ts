// REST-XML's bodies and errors (S3). Request documents are parsed (fast-xml-parser: no DTDs, no external
// entities) and read along the shapes into typed values: elements named by `locationName`, lists wrapped
// (`<Tag>` items in `<TagSet>`) or flattened (`<Object>` repeated in `<Delete>`), ISO 8601 timestamps, Base64
// blobs. Responses are the output's document (xml.ts's writers) in its root element, in the service's
// namespace. S3 answers errors as `<Error><Code/><Message/>...<RequestId/></Error>` and refuses signatures
// with its own codes.
import { XMLParser } from 'fast-xml-parser';
import { AwsError } from '../core/errors.js';
import { parseTimestamp, type BodyCodec } from './rest.js';
import type { MemberRef, ServiceModel, Shape } from './service.js';
import { compileShapes, shapeOf } from './shapes.js';
import type { SignatureFailure } from './sigv4.js';
import type { WireResponse } from './wire.js';
import { element, escapeXml, xmlWriters } from './xml.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const MalformedXML = () =>
  new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);

/** The namespace of a REST-XML service's documents: the model's, else the one its members name (S3's). */
export function xmlNamespaceOf(model: ServiceModel): string {
  if (model.metadata.xmlNamespace) return model.metadata.xmlNamespace;
  for (const shape of Object.values(model.shapes))
    for (const member of Object.values(shape.members ?? {})) if (member.xmlNamespace?.uri) return member.xmlNamespace.uri;
  return '';
}

type XmlReader = (value: unknown) => unknown;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: true, ignoreDeclaration: true });

export function xmlCodec(model: ServiceModel, namespace: string): BodyCodec {
  const read = xmlReaders(model);
  const write = xmlWriters(model);
  return {
    contentType: 'application/xml',
    reader: (shape) => {
      const reader = read(shape);
      return (body) => {
        let document: Record<string, unknown>;
        try {
          document = parser.parse(body.toString('utf8'), true) as Record<string, unknown>;
        } catch {
          throw MalformedXML();
        }
        const roots = Object.keys(document);
        if (roots.length !== 1) throw MalformedXML();
        return (reader(document[roots[0]!]) ?? {}) as Record<string, unknown>;
      };
    },
    writer: (shape, root) => {
      const writer = write(shape);
      const members = Object.entries(shapeOf(model, shape).members ?? {});
      // A root named as the output's one member is that member's text alone (S3's GetBucketLocation).
      const [only] = members.length === 1 && (members[0]![1].locationName ?? members[0]![0]) === root ? members : [];
      const xmlns = namespace ? ` xmlns="${escapeXml(namespace)}"` : '';
      return (value) => {
        if (only) {
          const text = (value as Record<string, unknown>)[only[0]];
          return `${DECLARATION}<${root}${xmlns}>${text === undefined || text === null ? '' : escapeXml(String(text))}</${root}>`;
        }
        return `${DECLARATION}<${root}${xmlns}>${writer(value) ?? ''}</${root}>`;
      };
    },
  };
}

/** Readers of parsed XML (fast-xml-parser's objects, strings for text) into typed shape values. */
function xmlReaders(model: ServiceModel) {
  return compileShapes<XmlReader>(model, {
    structure(shape, read) {
      const members = Object.entries(shape.members ?? {})
        .filter(([, ref]) => ref.location === undefined)
        .map(([name, ref]) => memberReader(model, name, ref, read));
      return (value) => {
        if (value === '') return {};
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw MalformedXML();
        const out: Record<string, unknown> = {};
        for (const [name, wire, reader] of members) {
          const item = (value as Record<string, unknown>)[wire];
          if (item !== undefined) out[name] = reader(item);
        }
        return out;
      };
    },
    list(shape, read) {
      const item = read(shape.member!.shape);
      const tag = shape.member!.locationName ?? 'member';
      return (value) => {
        if (value === '') return [];
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw MalformedXML();
        const items = (value as Record<string, unknown>)[tag];
        return items === undefined ? [] : asArray(items).map(item);
      };
    },
    map(shape, read) {
      const key = shape.key!.locationName ?? 'key';
      const entry = shape.value!.locationName ?? 'value';
      const readValue = read(shape.value!.shape);
      return (value) => {
        if (value === '') return {};
        if (typeof value !== 'object' || value === null) throw MalformedXML();
        const out: Record<string, unknown> = {};
        for (const item of asArray((value as Record<string, unknown>).entry)) {
          const pair = item as Record<string, unknown>;
          if (typeof pair?.[key] === 'string') out[pair[key] as string] = readValue(pair[entry] ?? '');
        }
        return out;
      };
    },
    scalar(shape) {
      return (value) => {
        if (typeof value !== 'string') throw MalformedXML();
        return scalar(shape, value);
      };
    },
  });
}

function memberReader(model: ServiceModel, name: string, ref: MemberRef, read: (shape: string) => XmlReader): [string, string, XmlReader] {
  const target = shapeOf(model, ref.shape);
  const wire = ref.locationName ?? name;
  // A flattened list has no element of its own: its items repeat under the member's name.
  if (target.type === 'list' && (ref.flattened || target.flattened)) {
    const item = read(target.member!.shape);
    return [name, wire, (value) => asArray(value).map(item)];
  }
  return [name, wire, read(ref.shape)];
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function scalar(shape: Shape, text: string): unknown {
  switch (shape.type) {
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw MalformedXML();
      return text === 'true';
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const number = Number(text);
      if (text.trim() === '' || Number.isNaN(number)) throw MalformedXML();
      return number;
    }
    case 'timestamp': {
      const time = parseTimestamp(text.trim(), shape.timestampFormat ?? 'iso8601');
      if (!time) throw MalformedXML();
      return time;
    }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}

/** An error as S3 answers it (or, for other REST-XML services, in AWS's `<ErrorResponse>`); HEAD answers carry no body. */
export function encodeXmlError(error: AwsError, requestId: string, s3: boolean, namespace: string): WireResponse {
  const details = (error as AwsError & { details?: Record<string, string> }).details ?? {};
  const extra = Object.entries(details)
    .map(([name, value]) => element(name, escapeXml(value)))
    .join('');
  const body = s3
    ? `${DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${escapeXml(requestId)}</RequestId><HostId>${escapeXml(requestId)}</HostId></Error>`
    : `${DECLARATION}<ErrorResponse xmlns="${escapeXml(namespace)}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'application/xml' }, body };
}

/** SigV4 failures with S3's codes and statuses. */
export function s3AuthError(failure: SignatureFailure): AwsError {
  switch (failure.kind) {
    case 'missing':
      return new AwsError('AccessDenied', 'Access Denied', 403);
    case 'incomplete':
    case 'invalid':
      return new AwsError('AuthorizationHeaderMalformed', failure.message, 400);
    case 'unknown-key':
      return new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
    case 'invalid-token':
      return new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
    case 'expired-token':
      return new AwsError('ExpiredToken', 'The provided token has expired.', 400);
    case 'skewed':
      return new AwsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403);
    case 'expired':
      return new AwsError('AccessDenied', 'Request has expired', 403);
    case 'mismatch':
      return new AwsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403);
  }
}
