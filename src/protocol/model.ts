// AWS service models (botocore format, models/<name>.json) and what every wire protocol does with them:
// read a request's input through the operation's input shape and write a handler's output through the
// output shape. Both are compilations of the shapes (shapes.ts), so a request only walks the values it carries.
//
// Reading follows AWS's front end: first the types (a wrong type fails the whole request at once with the
// protocol's SerializationException), then the constraints (required, enum, length, range, pattern), all
// reported together as "N validation errors detected: ...". Members the shape does not name are ignored, as
// AWS ignores them. Writing keeps only members the output shape names (records carry internal fields that
// must never leak) and omits null/undefined ones. What differs between protocols (how a scalar looks on
// the wire) comes in as a dialect: JSON reads raw values through it, the query protocols only check what
// their form readers (form.ts) built; JSON writes its output through it, the query protocols write XML (xml.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsError } from '../core/errors.js';
import type { ServiceModel, Shape } from './service.js';
import { compileShapes, type Compile, type ScalarShape } from './shapes.js';

const models = new Map<string, ServiceModel>();

/** The model `models/<name>.json` of the package; read once (at start-up), then shared. */
export function loadModel(name: string): ServiceModel {
  let model = models.get(name);
  if (!model) {
    model = JSON.parse(readFileSync(join(packageRoot(), 'models', `${name}.json`), 'utf8')) as ServiceModel;
    models.set(name, model);
  }
  return model;
}

// From src/protocol (tsx) or dist/src/protocol (compiled) alike.
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** One step into an input value: a member name, a list index (from 0), a map entry. */
export type PathStep = string | number | { key: string };

/** An input value that breaks a constraint of its shape. */
export interface Violation {
  /** Where the value is. */
  path: readonly PathStep[];
  value: unknown;
  /** AWS's wording of the constraint: `Member must not be null`. */
  constraint: string;
  /** A required member that is absent: some protocols (EC2) answer it with a code of its own. */
  missing: boolean;
}

/** Where a read is in the input, and the constraint violations found so far. */
export class Cursor {
  readonly path: PathStep[] = [];
  readonly violations: Violation[] = [];

  violate(value: unknown, constraint: string): void {
    this.violations.push({ path: [...this.path], value, constraint, missing: false });
  }

  missing(member: string): void {
    this.violations.push({ path: [...this.path, member], value: null, constraint: 'Member must not be null', missing: true });
  }
}

/** A value as AWS's validation messages show it. */
export function renderValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** How one protocol's decoded input values become shape values. */
export interface InputDialect {
  /** The converter for a scalar shape: wire value -> JS value, throwing the protocol's serialization error. */
  scalar(shape: ScalarShape): (value: unknown) => unknown;
  /** The protocol's serialization error for a value of the wrong kind where a structure, list or map belongs. */
  notA(kind: 'structure' | 'list' | 'map', value: unknown): AwsError;
}

/** How one protocol writes scalar output values; `undefined` means the value goes out as it is. */
export interface OutputDialect {
  scalar(shape: ScalarShape): ((value: unknown) => unknown) | undefined;
}

export type Reader = (value: unknown, cursor: Cursor) => unknown;
export type Writer = (value: unknown) => unknown;

/** The value a write passes through untouched; collections of such values are passed on without copying. */
const same: Writer = (value) => value;

/**
 * Compiles the input side of a model for one protocol: `read(shapeName)` gives a function that converts and
 * checks a decoded value (never null) and returns it with only the modelled members.
 */
export function inputReaders(model: ServiceModel, dialect: InputDialect): Compile<Reader> {
  return compileShapes<Reader>(model, {
    document: () => same,
    structure(shape, read) {
      const members = new Map<string, Reader>();
      for (const [name, member] of Object.entries(shape.members ?? {})) members.set(name, read(member.shape));
      const required = shape.required ?? [];
      return (value, cursor) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw dialect.notA('structure', value);
        const out: Record<string, unknown> = {};
        for (const key in value) {
          const reader = members.get(key);
          const member = (value as Record<string, unknown>)[key];
          if (reader === undefined || member === null || member === undefined) continue;
          cursor.path.push(key);
          out[key] = reader(member, cursor);
          cursor.path.pop();
        }
        for (const name of required) if (out[name] === undefined) cursor.missing(name);
        return out;
      };
    },
    list(shape, read) {
      const member = read(shape.member!.shape);
      const check = lengthCheck(shape);
      return (value, cursor) => {
        if (!Array.isArray(value)) throw dialect.notA('list', value);
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) {
          if (value[i] === null || value[i] === undefined) continue;
          cursor.path.push(i);
          out.push(member(value[i], cursor));
          cursor.path.pop();
        }
        check?.(out.length, out, cursor);
        return out;
      };
    },
    map(shape, read) {
      const key = read(shape.key!.shape);
      const entry = read(shape.value!.shape);
      const check = lengthCheck(shape);
      return (value, cursor) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw dialect.notA('map', value);
        const out: Record<string, unknown> = {};
        let size = 0;
        for (const name in value) {
          const member = (value as Record<string, unknown>)[name];
          if (member === null || member === undefined) continue;
          cursor.path.push({ key: name });
          const k = key(name, cursor) as string;
          out[k] = entry(member, cursor);
          cursor.path.pop();
          size++;
        }
        check?.(size, out, cursor);
        return out;
      };
    },
    scalar(shape) {
      const convert = dialect.scalar(shape);
      const check = scalarCheck(shape);
      return check ? (value, cursor) => check(convert(value), cursor) : (value) => convert(value);
    },
  });
}

type Check = (size: number, value: unknown, cursor: Cursor) => void;

function lengthCheck(shape: Shape): Check | undefined {
  const { min, max } = shape;
  if (min === undefined && max === undefined) return undefined;
  return (size, value, cursor) => {
    if (min !== undefined && size < min) cursor.violate(value, `Member must have length greater than or equal to ${min}`);
    if (max !== undefined && size > max) cursor.violate(value, `Member must have length less than or equal to ${max}`);
  };
}

/** The constraints of a scalar shape as one function, or undefined when it has none. */
function scalarCheck(shape: Shape): ((value: unknown, cursor: Cursor) => unknown) | undefined {
  const checks: ((value: any, cursor: Cursor) => void)[] = [];
  switch (shape.type) {
    case 'string': {
      if (shape.enum) {
        const allowed = new Set(shape.enum);
        const constraint = `Member must satisfy enum value set: [${shape.enum.join(', ')}]`;
        checks.push((value: string, cursor) => allowed.has(value) || cursor.violate(value, constraint));
      }
      const length = lengthCheck(shape);
      if (length) checks.push((value: string, cursor) => length(value.length, value, cursor));
      const pattern = shape.pattern === undefined ? undefined : compilePattern(shape.pattern);
      if (pattern) {
        const constraint = `Member must satisfy regular expression pattern: ${shape.pattern}`;
        checks.push((value: string, cursor) => pattern.test(value) || cursor.violate(value, constraint));
      }
      break;
    }
    case 'blob': {
      const length = lengthCheck(shape);
      if (length) checks.push((value: Buffer, cursor) => length(value.length, value, cursor));
      break;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const { min, max } = shape;
      if (min !== undefined)
        checks.push((value: number, cursor) => value >= min || cursor.violate(value, `Member must have value greater than or equal to ${min}`));
      if (max !== undefined)
        checks.push((value: number, cursor) => value <= max || cursor.violate(value, `Member must have value less than or equal to ${max}`));
      break;
    }
  }
  if (checks.length === 0) return undefined;
  return (value, cursor) => {
    for (const check of checks) check(value, cursor);
    return value;
  };
}

// AWS matches a pattern against the whole value (Java's Pattern.matches). Patterns use Java classes such as
// \p{L}, which need the `u` flag, and Java's POSIX \p{Print} (printable ASCII), which JavaScript lacks; one
// that JavaScript cannot compile is not enforced rather than failing.
function compilePattern(pattern: string): RegExp | undefined {
  const java = pattern.replace(/\\p\{Print\}/g, '[\\x20-\\x7E]');
  for (const flags of ['u', '']) {
    try {
      return new RegExp(`^(?:${java})$`, flags);
    } catch {
      // try the next flags
    }
  }
  return undefined;
}

/**
 * The AWS error for the violations a read found, with the service's code: `N validation errors detected: Value
 * 'x' at 'a.1.member.b' failed to satisfy constraint: ...`. Members are named as the service names them in
 * its messages (`memberName`: JSON services as on the wire, query services with a lower-case first letter).
 */
export function validationError(code: string, violations: readonly Violation[], memberName: (name: string) => string = (name) => name): AwsError {
  // AWS lists at most 10 violations in one message.
  const shown = violations.slice(0, 10).map(({ path, value, constraint }) => {
    const shownValue = value === null || value === undefined ? 'null' : `'${renderValue(value)}'`;
    return `Value ${shownValue} at '${memberPath(path, memberName)}' failed to satisfy constraint: ${constraint}`;
  });
  const count = violations.length === 1 ? '1 validation error' : `${violations.length} validation errors`;
  return new AwsError(code, `${count} detected: ${shown.join('; ')}`);
}

// AWS numbers list members from 1 and names them `member`: `containerDefinitions.1.member.name`.
function memberPath(path: readonly PathStep[], memberName: (name: string) => string): string {
  return path
    .map((step) => (typeof step === 'number' ? `${step + 1}.member` : typeof step === 'string' ? memberName(step) : `${step.key}.member`))
    .join('.');
}

// The service's own server-fault error (ECS: ServerException), if its model marks one as the fault.
export function serverFaultCode(model: ServiceModel): string | undefined {
  for (const [name, shape] of Object.entries(model.shapes)) if (shape.exception && shape.fault) return shape.error?.code ?? name;
  return undefined;
}

/**
 * Compiles the output side of a model for one protocol: `write(shapeName)` gives a function that keeps only
 * the modelled members of a value and formats its scalars; it returns undefined for nothing to write.
 */
export function outputWriters(model: ServiceModel, dialect: OutputDialect): Compile<Writer> {
  return compileShapes<Writer>(model, {
    document: () => same,
    structure(shape, write) {
      const members = new Map<string, Writer>();
      for (const [name, member] of Object.entries(shape.members ?? {})) members.set(name, write(member.shape));
      return (value) => {
        if (typeof value !== 'object' || value === null) return undefined;
        const out: Record<string, unknown> = {};
        for (const key in value) {
          const writer = members.get(key);
          const member = (value as Record<string, unknown>)[key];
          if (writer === undefined || member === null || member === undefined) continue;
          const written = writer === same ? member : writer(member);
          if (written !== undefined) out[key] = written;
        }
        return out;
      };
    },
    list(shape, write) {
      const member = write(shape.member!.shape);
      return (value) => {
        if (!Array.isArray(value)) return undefined;
        // Members written as they are: the list goes out as it is, without a copy.
        if (member === same) return value;
        const out: unknown[] = [];
        for (const item of value) {
          if (item === null || item === undefined) continue;
          const written = member(item);
          if (written !== undefined) out.push(written);
        }
        return out;
      };
    },
    map(shape, write) {
      const entry = write(shape.value!.shape);
      return (value) => {
        if (typeof value !== 'object' || value === null) return undefined;
        if (entry === same) return value;
        const out: Record<string, unknown> = {};
        for (const key in value) {
          const member = (value as Record<string, unknown>)[key];
          if (member === null || member === undefined) continue;
          const written = entry(member);
          if (written !== undefined) out[key] = written;
        }
        return out;
      };
    },
    scalar: (shape) => dialect.scalar(shape) ?? same,
  });
}
