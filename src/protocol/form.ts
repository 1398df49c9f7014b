// The input of query-protocol requests (awsQuery: ELBv2, IAM, STS...; ec2) travels as flat form parameters:
// `Names.member.1=a`, `Tags.member.1.Key=k`, `Attributes.entry.1.key=k`, and in EC2 `Filter.1.Value.1=v`. A
// reader compiled per shape gathers them back into the nested value the shape describes and converts each
// scalar from its string, so the model's readers (model.ts) check constraints as for any other protocol.
// Parameters the shape does not name are ignored, as AWS ignores them.
import { InvalidParameterValue, type AwsError } from '../core/errors.js';
import { compileShapes, shapeOf, type Compile } from './shapes.js';
import type { MemberRef, ServiceModel, Shape } from './service.js';

/**
 * The parameters of a form or query string, decoded as browsers and AWS decode them (`+` is a space). The
 * one decoding of the query protocols: SigV4's canonical query (sigv4.ts) uses it too, so two wire forms that
 * read differently are also signed differently.
 */
export function formPairs(source: string): Iterable<[string, string]> {
  return new URLSearchParams(source);
}

// Bounds on what a form may cost to read. No model names a parameter this long or this deep (the deepest,
// EC2's launch template overrides, have about 80 characters and 6 dots), so longer ones are ignored as AWS
// ignores every parameter its model does not name; and no operation takes this many parameters (ELBv2's
// RegisterTargets, among the widest, about 3,000).
const MAX_NAME_LENGTH = 512;
const MAX_NAME_DOTS = 32;
const MAX_PARAMETERS = 20_000;

/** A request's form parameters, with a fast answer to "is anything under this name?". */
export class FormParams {
  private readonly prefixes = new Set<string>();

  constructor(private readonly params: ReadonlyMap<string, string>) {
    for (const name of params.keys()) {
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) this.prefixes.add(name.slice(0, dot));
      this.prefixes.add(name);
    }
  }

  /** The parameters of a request: its query string, and its body when that is a form. */
  static of(query: string, body?: string): FormParams {
    const params = new Map<string, string>();
    let count = 0;
    for (const source of body === undefined ? [query] : [query, body])
      for (const [name, value] of formPairs(source)) {
        if (++count > MAX_PARAMETERS) throw new InvalidParameterValue(`The request has more than ${MAX_PARAMETERS} parameters.`);
        if (name.length <= MAX_NAME_LENGTH && dots(name) <= MAX_NAME_DOTS) params.set(name, value);
      }
    return new FormParams(params);
  }

  get(name: string): string | undefined {
    return this.params.get(name);
  }

  /** Whether the parameter, or any below it (`name.…`), was sent. */
  has(name: string): boolean {
    return this.prefixes.has(name);
  }
}

function dots(name: string): number {
  let count = 0;
  for (let dot = name.indexOf('.'); dot >= 0 && count <= MAX_NAME_DOTS; dot = name.indexOf('.', dot + 1)) count++;
  return count;
}

/** How a query protocol names members, list items and map entries in its parameters. */
export interface FormNaming {
  /** A structure member's parameter name. */
  member(name: string, ref: MemberRef): string;
  /** The prefix of a list's items, each of which follows as `.N` from 1. */
  items(name: string, list: Shape, flattened: boolean): string;
}

/** awsQuery: members by `locationName`; list items under `.member` (or the member's `locationName`) unless flattened. */
export const queryNaming: FormNaming = {
  member: (name, ref) => ref.locationName ?? name,
  items: (name, list, flattened) => (flattened ? name : `${name}.${list.member!.locationName ?? 'member'}`),
};

/** ec2: members by `queryName`, else the capitalised `locationName` or name; list items always straight under the name. */
export const ec2Naming: FormNaming = {
  member: (name, ref) => ref.queryName ?? capitalise(ref.locationName ?? name),
  items: (name) => name,
};

const capitalise = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Reads the value under `name` (the whole input for `''`); undefined when nothing was sent for it. */
export type FormReader = (params: FormParams, name: string) => unknown;

/** Compiles form readers for a model, one per shape, as the naming of its protocol has them. */
export function formReaders(model: ServiceModel, naming: FormNaming): Compile<FormReader> {
  return compileShapes<FormReader>(model, {
    structure(shape, read) {
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => {
        // A member may flatten its list or map (its items straight under the member's name).
        const target = shapeOf(model, ref.shape);
        const reader =
          ref.flattened && target.type === 'list' ? listReader(target, read, naming, true)
          : ref.flattened && target.type === 'map' ? mapReader(target, read, true)
          : read(ref.shape);
        return [name, naming.member(name, ref), reader] as const;
      });
      return (params, key) => {
        // Most members of most requests are absent: their whole subtree is skipped at once.
        if (key !== '' && !params.has(key)) return undefined;
        const out: Record<string, unknown> = {};
        for (const [name, wire, reader] of members) {
          const value = reader(params, join(key, wire));
          if (value !== undefined) out[name] = value;
        }
        return out;
      };
    },
    list: (shape, read) => listReader(shape, read, naming, shape.flattened === true),
    map: (shape, read) => mapReader(shape, read, shape.flattened === true),
    scalar(shape) {
      const convert = scalar(shape);
      return (params, key) => {
        const value = params.get(key);
        return value === undefined ? undefined : convert(value, key);
      };
    },
  });
}

const join = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}.${name}`);

function listReader(shape: Shape, read: Compile<FormReader>, naming: FormNaming, flat: boolean): FormReader {
  const item = read(shape.member!.shape);
  return (params, key) => {
    if (!params.has(key)) return undefined;
    // awsQuery sends an empty list as the bare name (`Names=`): no items.
    const prefix = naming.items(key, shape, flat);
    const out: unknown[] = [];
    for (let i = 1; params.has(`${prefix}.${i}`); i++) {
      const value = item(params, `${prefix}.${i}`);
      if (value !== undefined) out.push(value);
    }
    return out;
  };
}

function mapReader(shape: Shape, read: Compile<FormReader>, flat: boolean): FormReader {
  const keyName = shape.key!.locationName ?? 'key';
  const valueName = shape.value!.locationName ?? 'value';
  const value = read(shape.value!.shape);
  return (params, key) => {
    if (!params.has(key)) return undefined;
    const prefix = flat ? key : `${key}.entry`;
    // No prototype: a key named __proto__ is just a key.
    const out: Record<string, unknown> = Object.create(null);
    for (let i = 1; params.has(`${prefix}.${i}`); i++) {
      const entryKey = params.get(`${prefix}.${i}.${keyName}`);
      const entryValue = value(params, `${prefix}.${i}.${valueName}`);
      if (entryKey !== undefined && entryValue !== undefined) out[entryKey] = entryValue;
    }
    return out;
  };
}

const INTEGER = /^[+-]?\d+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(value: string, name: string, expected: string): AwsError {
  return new InvalidParameterValue(`Value (${value}) for parameter ${name} is invalid. Expected ${expected}.`);
}

/** The converter of a scalar shape's parameter string; a string that is not of its type fails the request at once. */
function scalar(shape: Shape): (value: string, name: string) => unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      const [min, max, what] =
        shape.type === 'integer' ? [-2147483648, 2147483647, 'an integer'] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'a long integer'];
      return (value, name) => {
        const number = Number(value);
        if (!INTEGER.test(value) || number < min || number > max) throw invalid(value, name, what);
        return number;
      };
    }
    case 'float':
    case 'double':
      return (value, name) => {
        const number = Number(value);
        if (value.trim() === '' || (Number.isNaN(number) && value !== 'NaN')) throw invalid(value, name, 'a number');
        return number;
      };
    case 'boolean':
      return (value, name) => {
        const lower = value.toLowerCase();
        if (lower !== 'true' && lower !== 'false') throw invalid(value, name, 'true or false');
        return lower === 'true';
      };
    case 'timestamp':
      // ISO 8601, as the SDKs send it; epoch seconds are taken too.
      return (value, name) => {
        const time = INTEGER.test(value) || /^\d+\.\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
        if (Number.isNaN(time)) throw invalid(value, name, 'an ISO 8601 timestamp');
        return new Date(time);
      };
    case 'blob':
      return (value, name) => {
        if (value.length % 4 !== 0 || !BASE64.test(value)) throw invalid(value, name, 'Base64');
        return Buffer.from(value, 'base64');
      };
    default:
      return (value) => value;
  }
}
