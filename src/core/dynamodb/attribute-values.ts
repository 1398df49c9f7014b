// DynamoDB's AttributeValue: checking one as AWS checks input (exactly one type, numbers valid and
// canonical, sets non-empty without duplicates), equality, item size as AWS counts it (400 KB limit), key
// bytes whose order is DynamoDB's range-key order, and the stored form of items (JSON, binary as base64).
import { ValidationException } from '../errors.js';
import { canonicalNumber, formatNumber, numberKeyBytes, parseNumber, significantDigits } from './numbers.js';

export interface AttributeValue {
  S?: string;
  N?: string;
  B?: Uint8Array;
  SS?: string[];
  NS?: string[];
  BS?: Uint8Array[];
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  NULL?: boolean;
  BOOL?: boolean;
}
export type Item = Record<string, AttributeValue>;
export type AttributeType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';
export type KeyType = 'S' | 'N' | 'B';

const TYPES: readonly AttributeType[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];
export const MAX_ITEM_BYTES = 400 * 1024;

/** The value's one type (values that reached here were checked). */
export function typeOf(value: AttributeValue): AttributeType {
  for (const type of TYPES) if (value[type] !== undefined) return type;
  throw new ValidationException('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
}

const setNames: Record<string, string> = { SS: 'string set', NS: 'number set', BS: 'binary set' };

/** The value as DynamoDB keeps it (canonical numbers), or AWS's refusal. */
export function checkValue(value: AttributeValue): AttributeValue {
  if (value === null || typeof value !== 'object') throw new ValidationException('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const present = TYPES.filter((type) => value[type] !== undefined);
  if (present.length === 0) throw new ValidationException('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  if (present.length > 1) throw new ValidationException('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
  const type = present[0]!;
  switch (type) {
    case 'N':
      return { N: canonicalNumber(value.N!) };
    case 'NULL':
      if (value.NULL !== true) throw new ValidationException('One or more parameter values were invalid: Null attribute value types must have the value of true');
      return value;
    case 'SS':
    case 'NS':
    case 'BS': {
      const members = (value[type] as (string | Uint8Array)[]).map((m) => (type === 'NS' ? canonicalNumber(m as string) : m));
      if (members.length === 0) throw new ValidationException(`One or more parameter values were invalid: An ${setNames[type]}  may not be empty`);
      const seen = new Set(members.map((m) => (typeof m === 'string' ? m : Buffer.from(m).toString('base64'))));
      if (seen.size !== members.length)
        throw new ValidationException(`One or more parameter values were invalid: Input collection [${members.map(display).join(', ')}] contains duplicates.`);
      return { [type]: members } as AttributeValue;
    }
    case 'M':
      return { M: checkItem(value.M!) };
    case 'L':
      return { L: value.L!.map(checkValue) };
    default:
      return value;
  }
}

const display = (m: string | Uint8Array) => (typeof m === 'string' ? m : Buffer.from(m).toString('base64'));

export function checkItem(item: Item): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(item)) out[name] = checkValue(value);
  return out;
}

/** Size in bytes as DynamoDB counts it: names and values; lists and maps 3 bytes plus 1 per element. */
export function valueSize(value: AttributeValue): number {
  switch (typeOf(value)) {
    case 'S':
      return Buffer.byteLength(value.S!);
    case 'N':
      return numberSize(value.N!);
    case 'B':
      return value.B!.byteLength;
    case 'SS':
      return value.SS!.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    case 'NS':
      return value.NS!.reduce((sum, n) => sum + numberSize(n), 0);
    case 'BS':
      return value.BS!.reduce((sum, b) => sum + b.byteLength, 0);
    case 'M':
      return 3 + Object.entries(value.M!).reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + valueSize(v), 0);
    case 'L':
      return 3 + value.L!.reduce((sum, v) => sum + 1 + valueSize(v), 0);
    default:
      return 1;
  }
}

const numberSize = (n: string) => Math.ceil(significantDigits(parseNumber(n)) / 2) + 1;

export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

export function checkItemSize(item: Item): number {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) throw new ValidationException('Item size has exceeded the maximum allowed size');
  return size;
}

export function equalValues(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  switch (type) {
    case 'N':
      return a.N === b.N || canonicalNumber(a.N!) === canonicalNumber(b.N!);
    case 'B':
      return Buffer.compare(a.B!, b.B!) === 0;
    case 'SS':
    case 'NS':
    case 'BS': {
      const left = new Set((a[type] as (string | Uint8Array)[]).map(display));
      const right = (b[type] as (string | Uint8Array)[]).map(display);
      return left.size === right.length && right.every((m) => left.has(m));
    }
    case 'M': {
      const left = Object.keys(a.M!);
      return left.length === Object.keys(b.M!).length && left.every((k) => b.M![k] !== undefined && equalValues(a.M![k]!, b.M![k]!));
    }
    case 'L':
      return a.L!.length === b.L!.length && a.L!.every((v, i) => equalValues(v, b.L![i]!));
    default:
      return a[type] === b[type];
  }
}

/** Bytes for a key attribute whose memcmp order is DynamoDB's: strings and binary by bytes, numbers by value. */
export function keyBytes(value: AttributeValue): Buffer {
  if (value.S !== undefined) return Buffer.from(value.S, 'utf8');
  if (value.N !== undefined) return numberKeyBytes(parseNumber(value.N));
  return Buffer.from(value.B!);
}

/** The stored form of an item: JSON with binary as base64 (`decodeItem` reverses it). Buffers would be
 * JSON'd by their own toJSON before a replacer saw them, so the item is walked instead. */
export const encodeItem = (item: Item): string => JSON.stringify(plain(item));

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

export const decodeItem = (text: string): Item =>
  JSON.parse(text, (_key, v) => (v !== null && typeof v === 'object' && typeof v.$b === 'string' ? Buffer.from(v.$b, 'base64') : v)) as Item;
