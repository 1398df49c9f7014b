// XML as the query protocols (awsQuery, ec2) answer in it, written straight from a handler's output through
// the output shape: elements named by the member's `locationName` (else its name), list items as `<member>`
// (or the list member's `locationName`: EC2's models say `item`), maps as `<entry><key/><value/></entry>`,
// timestamps in ISO 8601, blobs in Base64. As with JSON, only modelled members leave, null ones not at all.
import { compileShapes, shapeOf, type Compile } from './shapes.js';
import type { ServiceModel, Shape } from './service.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;' };

/** Text made safe for element content and double-quoted attributes; a carriage return survives parsing as `&#xD;`. */
export const escapeXml = (text: string): string => text.replace(/[&<>"\r]/g, (c) => ESCAPES[c]!);

export const element = (name: string, content: string): string => (content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`);

/** The content of an element for a value (escaped), or undefined for a value there is nothing to write of. */
export type XmlWriter = (value: unknown) => string | undefined;

/** Compiles XML writers for a model's output shapes, one per shape. */
export function xmlWriters(model: ServiceModel): Compile<XmlWriter> {
  return compileShapes<XmlWriter>(model, {
    structure(shape, write) {
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => {
        const target = shapeOf(model, ref.shape);
        const tag = ref.locationName ?? name;
        // A flattened list or map has no element of its own: its items (or entries) repeat in the structure.
        if (ref.flattened || target.flattened) {
          if (target.type === 'list') return [name, items(target.member!.locationName ?? tag, write(target.member!.shape))] as const;
          if (target.type === 'map') return [name, entries(tag, target, write)] as const;
        }
        const inner = write(ref.shape);
        return [name, (value: unknown) => wrap(tag, inner(value))] as const;
      });
      return (value) => {
        if (typeof value !== 'object' || value === null) return undefined;
        let xml = '';
        for (const [name, writer] of members) {
          const member = (value as Record<string, unknown>)[name];
          if (member !== null && member !== undefined) xml += writer(member) ?? '';
        }
        return xml;
      };
    },
    list: (shape, write) => items(shape.member!.locationName ?? 'member', write(shape.member!.shape)),
    map: (shape, write) => entries('entry', shape, write),
    scalar(shape) {
      switch (shape.type) {
        case 'timestamp':
          return (value) => isoTimestamp(value);
        case 'blob':
          return (value) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : text(value));
        default:
          return text;
      }
    },
  });
}

// Numbers need no escaping (GetMetricData's answer holds tens of thousands).
const text: XmlWriter = (value) => (typeof value === 'number' ? String(value) : typeof value === 'object' ? undefined : escapeXml(String(value)));

const wrap = (tag: string, content: string | undefined) => (content === undefined ? undefined : element(tag, content));

/** A list's items, each in an element of its own. */
function items(tag: string, item: XmlWriter): XmlWriter {
  return (list) => {
    if (!Array.isArray(list)) return undefined;
    let xml = '';
    for (const value of list) if (value !== null && value !== undefined) xml += wrap(tag, item(value)) ?? '';
    return xml;
  };
}

/** A map's entries, each in an element of its own holding its key and value. */
function entries(tag: string, map: Shape, write: Compile<XmlWriter>): XmlWriter {
  const key = map.key!.locationName ?? 'key';
  const entry = map.value!.locationName ?? 'value';
  const value = write(map.value!.shape);
  return (object) => {
    if (typeof object !== 'object' || object === null) return undefined;
    let xml = '';
    for (const [name, member] of Object.entries(object)) {
      if (member !== null && member !== undefined) xml += element(tag, element(key, escapeXml(name)) + (wrap(entry, value(member)) ?? ''));
    }
    return xml;
  };
}

// Records hold Dates, or ISO-8601 strings once they have been through the store as JSON; a number is epoch seconds.
function isoTimestamp(value: unknown): string | undefined {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
