// Expressions applied to items: conditions and filters evaluated, updates applied (every right-hand side
// read from the item as it was, as DynamoDB does), projections taken. Pure.
import { ValidationException } from '../errors.js';
import { checkValue, equalValues, typeOf, type AttributeValue, type Item } from './attribute-values.js';
import type { Condition, Operand, Path, UpdateActions } from './expressions.js';
import { addNumbers, compareNumbers, formatNumber, negate, parseNumber } from './numbers.js';

export function resolvePath(item: Item, path: Path): AttributeValue | undefined {
  let current: AttributeValue | undefined = item[path[0] as string];
  for (let i = 1; i < path.length && current; i++) {
    const step = path[i]!;
    current = typeof step === 'number' ? current.L?.[step] : current.M?.[step];
  }
  return current;
}

function operandValue(item: Item, operand: Operand): AttributeValue | undefined {
  switch (operand.kind) {
    case 'path':
      return resolvePath(item, operand.path);
    case 'value':
      return operand.value;
    case 'size': {
      const value = resolvePath(item, operand.path);
      const size = value && sizeOf(value);
      return size === undefined ? undefined : { N: String(size) };
    }
    default:
      return updateValue(item, operand);
  }
}

function sizeOf(value: AttributeValue): number | undefined {
  switch (typeOf(value)) {
    case 'S':
      return Buffer.byteLength(value.S!);
    case 'B':
      return value.B!.byteLength;
    case 'SS':
    case 'NS':
    case 'BS':
    case 'L':
      return ((value.SS ?? value.NS ?? value.BS ?? value.L) as unknown[]).length;
    case 'M':
      return Object.keys(value.M!).length;
    default:
      return undefined;
  }
}

/** Order of two scalars of one type (S, N, B), undefined when they are not comparable. */
function order(a: AttributeValue, b: AttributeValue): number | undefined {
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(parseNumber(a.N), parseNumber(b.N));
  if (a.S !== undefined && b.S !== undefined) return Buffer.compare(Buffer.from(a.S), Buffer.from(b.S));
  if (a.B !== undefined && b.B !== undefined) return Buffer.compare(a.B, b.B);
  return undefined;
}

export function evaluate(item: Item, condition: Condition): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluate(item, condition.left) && evaluate(item, condition.right);
    case 'or':
      return evaluate(item, condition.left) || evaluate(item, condition.right);
    case 'not':
      return !evaluate(item, condition.condition);
    case 'compare': {
      const left = operandValue(item, condition.left);
      const right = operandValue(item, condition.right);
      if (condition.op === '<>') return !left || !right || !equalValues(left, right);
      if (!left || !right) return false;
      if (condition.op === '=') return equalValues(left, right);
      const o = order(left, right);
      if (o === undefined) return false;
      return condition.op === '<' ? o < 0 : condition.op === '<=' ? o <= 0 : condition.op === '>' ? o > 0 : o >= 0;
    }
    case 'between': {
      const value = operandValue(item, condition.operand);
      const low = operandValue(item, condition.low);
      const high = operandValue(item, condition.high);
      if (!value || !low || !high) return false;
      const bounds = order(low, high);
      if (bounds !== undefined && bounds > 0)
        throw new ValidationException(
          `Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: ${show(low)}, upper bound operand: AttributeValue: ${show(high)}`,
        );
      const above = order(value, low);
      const below = order(value, high);
      return above !== undefined && below !== undefined && above >= 0 && below <= 0;
    }
    case 'in': {
      const value = operandValue(item, condition.operand);
      return !!value && condition.list.some((o) => {
        const candidate = operandValue(item, o);
        return !!candidate && equalValues(value, candidate);
      });
    }
    case 'function':
      return evaluateFunction(item, condition);
  }
}

const show = (v: AttributeValue) => {
  const type = typeOf(v);
  return `{${type}:${String(v[type])}}`;
};

function evaluateFunction(item: Item, { name, args }: Extract<Condition, { kind: 'function' }>): boolean {
  const subject = operandValue(item, args[0]!);
  if (name === 'attribute_exists') return subject !== undefined;
  if (name === 'attribute_not_exists') return subject === undefined;
  const argument = operandValue(item, args[1]!);
  if (!subject || !argument) return false;
  if (name === 'attribute_type') return typeOf(subject) === argument.S;
  if (name === 'begins_with') {
    if (subject.S !== undefined && argument.S !== undefined) return subject.S.startsWith(argument.S);
    if (subject.B !== undefined && argument.B !== undefined) return Buffer.from(subject.B).subarray(0, argument.B.byteLength).equals(Buffer.from(argument.B));
    return false;
  }
  // contains: a substring of a string, a member of a set, an element of a list.
  if (subject.S !== undefined) return argument.S !== undefined && subject.S.includes(argument.S);
  if (subject.B !== undefined) return argument.B !== undefined && Buffer.from(subject.B).includes(Buffer.from(argument.B));
  if (subject.SS) return argument.S !== undefined && subject.SS.includes(argument.S);
  if (subject.NS) return argument.N !== undefined && subject.NS.some((n) => equalValues({ N: n }, argument));
  if (subject.BS) return argument.B !== undefined && subject.BS.some((b) => Buffer.compare(b, argument.B!) === 0);
  if (subject.L) return subject.L.some((v) => equalValues(v, argument));
  return false;
}

const invalidUpdate = (message: string) => new ValidationException(`The provided expression refers to an attribute that does not exist in the item${message}`);
const wrongType = (operator: string) => new ValidationException(`An operand in the update expression has an incorrect data type${operator}`);

function updateValue(item: Item, operand: Operand): AttributeValue {
  switch (operand.kind) {
    case 'path': {
      const value = resolvePath(item, operand.path);
      if (!value) throw invalidUpdate('');
      return value;
    }
    case 'value':
      return operand.value;
    case 'if_not_exists':
      return resolvePath(item, operand.path) ?? updateValue(item, operand.fallback);
    case 'list_append': {
      const left = updateValue(item, operand.left);
      const right = updateValue(item, operand.right);
      if (!left.L || !right.L) throw wrongType('');
      return { L: [...left.L, ...right.L] };
    }
    case 'arithmetic': {
      const left = updateValue(item, operand.left);
      const right = updateValue(item, operand.right);
      if (left.N === undefined || right.N === undefined) throw wrongType('');
      const b = parseNumber(right.N);
      return { N: formatNumber(addNumbers(parseNumber(left.N), operand.op === '-' ? negate(b) : b)) };
    }
    case 'size':
      throw new ValidationException('Invalid UpdateExpression: The function is not allowed in an update expression; function: size');
  }
}

const clone = (item: Item): Item => structuredClone(item);

const invalidPath = () => new ValidationException('The document path provided in the update expression is invalid for update');

/** The container of a path's last step in `item` (which is modified in place), or AWS's refusal. */
function parentOf(item: Item, path: Path): { M?: Record<string, AttributeValue>; L?: AttributeValue[] } | undefined {
  if (path.length === 1) return { M: item };
  const parent = resolvePath(item, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!parent || (typeof last === 'number' ? !parent.L : !parent.M)) return undefined;
  return parent;
}

/** The item after `actions` (a new object; `item` is left as it was). Keys may not be touched. */
export function applyUpdate(item: Item, actions: UpdateActions, keyNames: readonly string[]): Item {
  for (const path of [...actions.set.map((a) => a.path), ...actions.remove, ...actions.add.map((a) => a.path), ...actions.delete.map((a) => a.path)])
    if (keyNames.includes(path[0] as string))
      throw new ValidationException(`One or more parameter values were invalid: Cannot update attribute ${String(path[0])}. This attribute is part of the key`);
  // Every value is computed against the item as it was, then written.
  const sets = actions.set.map(({ path, value }) => ({ path, value: checkValue(updateValue(item, value)) }));
  const adds = actions.add.map(({ path, value }) => ({ path, value: added(resolvePath(item, path), updateValue(item, value)) }));
  const deletes = actions.delete.map(({ path, value }) => ({ path, value: deleted(resolvePath(item, path), updateValue(item, value)) }));
  const out = clone(item);
  for (const { path, value } of [...sets, ...adds]) {
    const parent = parentOf(out, path);
    if (!parent) throw invalidPath();
    const last = path[path.length - 1]!;
    if (typeof last === 'number') {
      // An index past the end appends, as DynamoDB does.
      if (last >= parent.L!.length) parent.L!.push(value);
      else parent.L![last] = value;
    } else parent.M![last] = value;
  }
  for (const { path, value } of deletes) {
    const parent = parentOf(out, path);
    if (!parent) throw invalidPath();
    const last = path[path.length - 1]!;
    if (value === undefined) removeAt(parent, last);
    else if (typeof last === 'number') parent.L![last] = value;
    else parent.M![last] = value;
  }
  // List elements are removed from the highest index down, so each index names the element it named before.
  const removes = [...actions.remove].sort((a, b) => Number(b[b.length - 1]) - Number(a[a.length - 1]) || 0);
  for (const path of removes) {
    const parent = parentOf(out, path);
    if (parent) removeAt(parent, path[path.length - 1]!);
  }
  return out;
}

function removeAt(parent: { M?: Record<string, AttributeValue>; L?: AttributeValue[] }, last: string | number): void {
  if (typeof last === 'number') {
    if (parent.L && last < parent.L.length) parent.L.splice(last, 1);
  } else if (parent.M) delete parent.M[last];
}

function added(current: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  const type = typeOf(value);
  if (type === 'N') {
    if (current === undefined) return value;
    if (current.N === undefined) throw wrongType('; operator: ADD, operand type: ' + typeOf(current));
    return { N: formatNumber(addNumbers(parseNumber(current.N), parseNumber(value.N!))) };
  }
  if (type !== 'SS' && type !== 'NS' && type !== 'BS') throw new ValidationException(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: ${typeName(type)}`);
  if (current === undefined) return value;
  if (typeOf(current) !== type) throw wrongType('; operator: ADD, operand type: ' + typeName(type));
  const members = [...(current[type] as (string | Uint8Array)[])];
  for (const m of value[type] as (string | Uint8Array)[]) if (!members.some((c) => sameMember(type, c, m))) members.push(m);
  return { [type]: members } as AttributeValue;
}

/** The set after DELETE, or undefined when nothing is left (the attribute is removed, as AWS removes it). */
function deleted(current: AttributeValue | undefined, value: AttributeValue): AttributeValue | undefined {
  const type = typeOf(value);
  if (type !== 'SS' && type !== 'NS' && type !== 'BS') throw new ValidationException(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: ${typeName(type)}`);
  if (current === undefined) return undefined;
  if (typeOf(current) !== type) throw wrongType('; operator: DELETE, operand type: ' + typeName(type));
  const remove = value[type] as (string | Uint8Array)[];
  const members = (current[type] as (string | Uint8Array)[]).filter((c) => !remove.some((m) => sameMember(type, c, m)));
  return members.length ? ({ [type]: members } as AttributeValue) : undefined;
}

const sameMember = (type: string, a: string | Uint8Array, b: string | Uint8Array) =>
  type === 'NS' ? equalValues({ N: a as string }, { N: b as string }) : type === 'BS' ? Buffer.compare(a as Uint8Array, b as Uint8Array) === 0 : a === b;

const TYPE_NAMES: Record<string, string> = { S: 'STRING', N: 'NUMBER', B: 'BINARY', BOOL: 'BOOLEAN', NULL: 'NULL', L: 'LIST', M: 'MAP' };
const typeName = (type: string) => TYPE_NAMES[type] ?? type;

/** A tree of projected paths: a leaf takes the whole value under it. */
type Selection = Map<string | number, Selection | true>;

/** The attributes `paths` name, nested structure kept (list elements in their order, compacted). */
export function project(item: Item, paths: Path[]): Item {
  const root: Selection = new Map();
  for (const path of paths) {
    let node = root;
    path.forEach((step, i) => {
      if (i === path.length - 1) return void node.set(step, true);
      const child = node.get(step);
      if (child === true) return;
      if (!child) node.set(step, (node = new Map()));
      else node = child;
    });
  }
  return projectMap(item, root);
}

function projectMap(map: Record<string, AttributeValue>, selection: Selection): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [step, child] of selection) {
    const value = typeof step === 'string' ? map[step] : undefined;
    const picked = value && pick(value, child);
    if (picked) out[step as string] = picked;
  }
  return out;
}

function pick(value: AttributeValue, selection: Selection | true): AttributeValue | undefined {
  if (selection === true) return value;
  if (value.M) {
    const M = projectMap(value.M, selection);
    return Object.keys(M).length ? { M } : undefined;
  }
  if (value.L) {
    const indexes = [...selection.keys()].filter((k): k is number => typeof k === 'number').sort((a, b) => a - b);
    const L = indexes.flatMap((i) => {
      const element = value.L![i];
      const picked = element && pick(element, selection.get(i)!);
      return picked ? [picked] : [];
    });
    return L.length ? { L } : undefined;
  }
  return undefined;
}
