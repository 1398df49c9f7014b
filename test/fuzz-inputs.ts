// The fuzzer's inputs, generated from the shipped service models (models/*.json): for any operation of any
// service, a well-formed input (every required member, each value inside its shape's constraints) and
// malformed variants of it (an unknown member, a value of the wrong type, a limit exceeded, a required member
// missing, injection strings, very long values, a body that is not the protocol's), each as the exact HTTP
// request its protocol sends. Deterministic: the same random source gives the same requests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemberRef, ServiceModel, Shape } from '../src/protocol/service.js';

export type Random = () => number;

export interface FuzzService {
  name: string;
  model: ServiceModel;
  operations: string[];
}

export interface FuzzCase {
  service: string;
  operation: string;
  /** What was done to the well-formed input ("well-formed" when nothing). */
  mutation: string;
  /** The input as sent, before its protocol's encoding (absent for raw bodies). */
  input?: unknown;
  /** The request: POST / with these headers and body. */
  headers: Record<string, string>;
  body: string;
}

/** Strings that mean something to the programs Wharf writes for (HAProxy, iptables, Docker, file paths, shells, SQL). */
export const INJECTIONS = [
  'a\nb',
  'x\r\nfrontend evil\n  bind :1\n',
  'a"b',
  "a'b",
  'a;b',
  '; set server be/s1 addr 127.0.0.1',
  '%s%n%x%',
  '%00%0a',
  'a\u0000b',
  '../../../etc/passwd',
  '$(id)`id`',
  "' OR 1=1 --",
  'a b\tc',
  '{"a":',
  '<x>&amp;</x>',
  '\u202e\ud800',
  ' ',
  '',
];

const MAX_DEPTH = 5;
const VERY_LONG = 70_000;

/** Every service in models/, with its operations in the model's order. */
export function loadServices(modelsDir: string): FuzzService[] {
  return readdirSync(modelsDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const model = JSON.parse(readFileSync(join(modelsDir, file), 'utf8')) as ServiceModel;
      return { name: file.replace(/\.json$/, ''), model, operations: Object.keys(model.operations).sort() };
    });
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

/** A value the shape accepts: required members always, optional ones sometimes; strings matching the pattern when a simple one can. */
export function wellFormed(model: ServiceModel, shapeName: string, random: Random, depth = 0): unknown {
  const shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const required = shape.required?.includes(name) ?? false;
        if (required || (depth < MAX_DEPTH - 1 && random() < 0.3)) out[name] = wellFormed(model, ref.shape, random, depth + 1);
      }
      return out;
    }
    case 'list': {
      const count = depth >= MAX_DEPTH ? Math.min(shape.min ?? 0, 1) : between(random, shape.min ?? 0, Math.min(shape.max ?? 3, Math.max(shape.min ?? 0, 3)));
      return Array.from({ length: count }, () => wellFormed(model, shape.member!.shape, random, depth + 1));
    }
    case 'map': {
      const count = depth >= MAX_DEPTH ? 0 : between(random, shape.min ?? 0, Math.min(shape.max ?? 2, 2));
      const out: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) out[String(wellFormed(model, shape.key!.shape, random, depth + 1))] = wellFormed(model, shape.value!.shape, random, depth + 1);
      return out;
    }
    case 'string':
      return shape.enum ? pick(random, shape.enum) : plainString(shape, random);
    case 'integer':
    case 'long':
      return between(random, shape.min ?? 0, Math.min(shape.max ?? 100, (shape.min ?? 0) + 100));
    case 'double':
    case 'float':
      return (shape.min ?? 0) + random();
    case 'boolean':
      return random() < 0.5;
    case 'timestamp':
      return Math.floor(1.7e9 + random() * 1e7);
    case 'blob':
      return Buffer.from('fuzz').toString('base64');
  }
}

function plainString(shape: Shape, random: Random): string {
  const min = Math.max(shape.min ?? 1, 1);
  const length = between(random, min, Math.min(shape.max ?? min + 10, min + 10));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** A path to a value inside an input, and the shape there. */
interface Slot {
  path: string[];
  shape: Shape;
}

function slots(model: ServiceModel, shapeName: string, value: unknown, path: string[] = [], out: Slot[] = []): Slot[] {
  const shape = model.shapes[shapeName]!;
  out.push({ path, shape });
  if (shape.type === 'structure' && value && typeof value === 'object')
    for (const [name, ref] of Object.entries(shape.members ?? {}))
      if (name in (value as object)) slots(model, ref.shape, (value as Record<string, unknown>)[name], [...path, name], out);
  if (shape.type === 'list' && Array.isArray(value)) value.forEach((item, i) => slots(model, shape.member!.shape, item, [...path, String(i)], out));
  return out;
}

function setAt(input: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(input) ? [...input] : { ...(input as object) }) as Record<string, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), value);
  return copy;
}

function deleteAt(input: unknown, path: string[]): unknown {
  const copy = { ...(input as object) } as Record<string, unknown>;
  if (path.length === 1) delete copy[path[0]!];
  else copy[path[0]!] = deleteAt(copy[path[0]!], path.slice(1));
  return copy;
}

const WRONG_TYPES: Record<Shape['type'], unknown[]> = {
  structure: ['text', 7, [1, 2]],
  list: ['text', { a: 1 }, 7],
  map: ['text', [1], 7],
  string: [7, { a: 1 }, ['x'], true, null],
  integer: ['seven', 1.5, 2 ** 63, { a: 1 }, true],
  long: ['seven', 1e300, '9223372036854775808', [1]],
  double: ['x', { a: 1 }, 'NaN'],
  float: ['x', [1]],
  boolean: ['yes', 1, { a: 1 }],
  timestamp: ['yesterday', { a: 1 }, -1e20],
  blob: [7, '!!not base64!!', { a: 1 }],
};

/** One malformed variant of `input` (a well-formed input of `shapeName`): what was done, and the result. */
export function malformed(model: ServiceModel, shapeName: string, input: unknown, random: Random): { mutation: string; input: unknown } {
  const all = slots(model, shapeName, input);
  const inner = all.filter((slot) => slot.path.length > 0);
  const slot = inner.length > 0 ? pick(random, inner) : all[0]!;
  const where = slot.path.join('.') || '(input)';
  const strings = all.filter((s) => s.shape.type === 'string' && s.path.length > 0);
  const kinds = ['unknown member', 'wrong type', 'limit', 'injection', 'very long', 'missing required', 'null'];
  const kind = pick(random, kinds);
  switch (kind) {
    case 'unknown member':
      return { mutation: `unknown member FuzzUnknown`, input: { ...(input as object), FuzzUnknown: pick(random, INJECTIONS) } };
    case 'wrong type':
      return { mutation: `wrong type at ${where}`, input: setAt(input, slot.path, pick(random, WRONG_TYPES[slot.shape.type])) };
    case 'limit': {
      const over = overLimit(slot.shape, model, random);
      if (over !== undefined) return { mutation: `limit exceeded at ${where}`, input: setAt(input, slot.path, over) };
      return { mutation: `wrong type at ${where}`, input: setAt(input, slot.path, pick(random, WRONG_TYPES[slot.shape.type])) };
    }
    case 'injection':
    case 'very long': {
      const target = strings.length > 0 ? pick(random, strings) : slot;
      const value = kind === 'injection' ? pick(random, INJECTIONS) : pick(random, INJECTIONS).repeat(1 + Math.floor(VERY_LONG / 8)) + 'x'.repeat(VERY_LONG);
      return { mutation: `${kind} at ${target.path.join('.') || '(input)'}`, input: setAt(input, target.path, value) };
    }
    case 'missing required': {
      const owner = all.find((s) => s.shape.type === 'structure' && s.shape.required?.length);
      if (owner) {
        const member = pick(random, owner.shape.required!);
        return { mutation: `missing required ${[...owner.path, member].join('.')}`, input: deleteAt(input, [...owner.path, member]) };
      }
      return { mutation: 'unknown member FuzzUnknown', input: { ...(input as object), FuzzUnknown: 'x' } };
    }
    default:
      return { mutation: `null at ${where}`, input: setAt(input, slot.path, null) };
  }
}

/** A value just past the shape's limits, or undefined when it has none. */
function overLimit(shape: Shape, model: ServiceModel, random: Random): unknown {
  switch (shape.type) {
    case 'string':
      if (shape.enum) return 'NOT_A_MEMBER_OF_THE_ENUM';
      if (shape.max !== undefined) return 'x'.repeat(Math.min(shape.max + 1, 2_000_000));
      if ((shape.min ?? 0) > 0) return '';
      return undefined;
    case 'integer':
    case 'long':
      if (shape.max !== undefined) return shape.max + 1;
      if (shape.min !== undefined) return shape.min - 1;
      return random() < 0.5 ? 2 ** 31 : -(2 ** 53);
    case 'list':
      if (shape.max !== undefined && shape.max < 5000) return Array.from({ length: shape.max + 1 }, () => wellFormed(model, shape.member!.shape, random, MAX_DEPTH));
      if ((shape.min ?? 0) > 0) return [];
      return undefined;
    default:
      return undefined;
  }
}

/** Bodies no protocol reads: truncated, not an object, deep nesting, invalid UTF-8, a parameter name of many dots. */
export const RAW_BODIES: { mutation: string; body: string }[] = [
  { mutation: 'raw: truncated JSON', body: '{"a":' },
  { mutation: 'raw: JSON array', body: '[1,2,3]' },
  { mutation: 'raw: JSON string', body: '"x"' },
  { mutation: 'raw: deep nesting', body: '['.repeat(100_000) + ']'.repeat(100_000) },
  { mutation: 'raw: deep objects', body: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000) },
  { mutation: 'raw: NUL and newlines', body: 'Action=\u0000\n\r&Version=%00' },
  { mutation: 'raw: dotted name', body: 'Action=ListUsers&Version=2010-05-08&' + 'a'.repeat(1) + '.'.repeat(200_000) + '=1' },
  { mutation: 'raw: many parameters', body: Array.from({ length: 30_000 }, (_, i) => `p${i}=1`).join('&') },
  { mutation: 'raw: bad percent', body: 'Action=%E0%A4%A&Version=%' },
  { mutation: 'raw: duplicate keys', body: '{"a":1,"a":2,"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}' },
];

/** The HTTP request that sends `input` to `operation` in the service's protocol. */
export function encodeRequest(service: FuzzService, operation: string, input: unknown): { headers: Record<string, string>; body: string } {
  const { metadata } = service.model;
  if (metadata.protocol === 'json')
    return {
      headers: { 'content-type': `application/x-amz-json-${metadata.jsonVersion ?? '1.1'}`, 'x-amz-target': `${metadata.targetPrefix}.${operation}` },
      body: JSON.stringify(input),
    };
  const params = new URLSearchParams({ Action: operation, Version: metadata.apiVersion });
  const inputShape = service.model.operations[operation]!.input?.shape;
  flatten(service.model, metadata.protocol === 'ec2', inputShape, input, '', params);
  return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: params.toString() };
}

/** The form parameters of a value, named as awsQuery or ec2 name them; values of the wrong type are sent as their text. */
function flatten(model: ServiceModel, ec2: boolean, shapeName: string | undefined, value: unknown, prefix: string, out: URLSearchParams): void {
  const shape = shapeName ? model.shapes[shapeName] : undefined;
  const join = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (value === null || value === undefined) return void (prefix && out.append(prefix, ''));
  if (shape?.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
      const ref: MemberRef | undefined = shape.members?.[name];
      const wire = !ref ? name : ec2 ? (ref.queryName ?? capitalise(ref.locationName ?? name)) : (ref.locationName ?? name);
      const flattened = ec2 || ref?.flattened === true;
      const target = ref ? model.shapes[ref.shape] : undefined;
      if (target?.type === 'list' && Array.isArray(member)) {
        const items = flattened ? join(wire) : `${join(wire)}.${target.member!.locationName ?? 'member'}`;
        member.forEach((item, i) => flatten(model, ec2, target.member!.shape, item, `${items}.${i + 1}`, out));
        if (member.length === 0) out.append(join(wire), '');
      } else flatten(model, ec2, ref?.shape, member, join(wire), out);
    }
    return;
  }
  if (shape?.type === 'map' && typeof value === 'object' && !Array.isArray(value)) {
    Object.entries(value as Record<string, unknown>).forEach(([key, item], i) => {
      const entry = shape.flattened ? `${prefix}.${i + 1}` : `${prefix}.entry.${i + 1}`;
      out.append(`${entry}.${shape.key!.locationName ?? 'key'}`, key);
      flatten(model, ec2, shape.value!.shape, item, `${entry}.${shape.value!.locationName ?? 'value'}`, out);
    });
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, i) => flatten(model, ec2, undefined, item, `${prefix}.member.${i + 1}`, out));
  if (typeof value === 'object') return Object.entries(value as object).forEach(([k, v]) => flatten(model, ec2, undefined, v, join(k), out));
  const time = shape?.type === 'timestamp' && typeof value === 'number' ? new Date(value * 1000) : undefined;
  out.append(prefix || 'Value', time && !Number.isNaN(time.getTime()) ? time.toISOString() : String(value));
}

const capitalise = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The cases of one operation: its well-formed input, `malformedCount` variants, and sometimes a raw body. */
export function casesFor(service: FuzzService, operation: string, random: Random, malformedCount: number): FuzzCase[] {
  const inputShape = service.model.operations[operation]!.input?.shape;
  const base = inputShape ? wellFormed(service.model, inputShape, random) : {};
  const cases: FuzzCase[] = [{ service: service.name, operation, mutation: 'well-formed', input: base, ...encodeRequest(service, operation, base) }];
  for (let i = 0; i < malformedCount; i++) {
    if (random() < 0.1) {
      const raw = pick(random, RAW_BODIES);
      const { headers } = encodeRequest(service, operation, {});
      cases.push({ service: service.name, operation, mutation: raw.mutation, headers, body: raw.body });
      continue;
    }
    const { mutation, input } = inputShape ? malformed(service.model, inputShape, base, random) : { mutation: 'unknown member FuzzUnknown', input: { FuzzUnknown: 'x' } };
    cases.push({ service: service.name, operation, mutation, input, ...encodeRequest(service, operation, input) });
  }
  return cases;
}
