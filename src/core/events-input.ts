// What a target receives: the matched event, or a rule's Input (constant JSON), InputPath (a part of the
// event), or InputTransformer (values taken from the event by JSON path, put into a template), as
// EventBridge documents them. Pure: the event and the rule come in, the target's input text goes out.
import type { EventBridgeEvent, EventTarget } from './events.js';

/** A JSON path as EventBridge accepts it: `$`, then `.name` (hyphens allowed), `['name']` or `[index]` steps. */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: (string | number)[] = [];
  const step = /\.([^.[\]'"]+)|\[(\d+)\]|\['([^']*)'\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const m = step.exec(path);
    if (!m) return undefined;
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  }
  return steps;
}

/** The value at the path, undefined when the event has none there. */
export function selectJsonPath(value: unknown, steps: readonly (string | number)[]): unknown {
  let at = value;
  for (const step of steps) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

/** Placeholder names: letters, digits, `-`, `_` and `.`, the `aws.events.` ones being EventBridge's own. */
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;
const RESERVED_PREFIX = 'aws.';

/** Why PutTargets refuses a target's input settings (ValidationException), or undefined when they are valid. */
export function inputProblem(target: EventTarget): string | undefined {
  const given = [target.Input, target.InputPath, target.InputTransformer].filter((x) => x !== undefined).length;
  if (given > 1) return `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`;
  if (target.Input !== undefined && !isJson(target.Input)) return `Input for target ${target.Id} is not valid JSON text.`;
  if (target.InputPath !== undefined && !parseJsonPath(target.InputPath)) return `InputPath for target ${target.Id} is invalid.`;
  const transformer = target.InputTransformer;
  if (transformer) {
    for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
      if (!/^[A-Za-z0-9_-]+$/.test(name) || name.startsWith(RESERVED_PREFIX)) return `InputPathsMap contains invalid key: ${name} for target ${target.Id}.`;
      if (!parseJsonPath(path)) return `InputPathsMap contains invalid JSONPath: ${path} for target ${target.Id}.`;
    }
  }
  return undefined;
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Where the event came from, for the `aws.events.*` placeholders. */
export interface InputContext {
  ruleArn: string;
  ruleName: string;
  ingestionTime: string;
}

/** The input text the target receives for `event`. */
export function targetInput(target: EventTarget, event: EventBridgeEvent, context: InputContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return JSON.stringify(selectJsonPath(event, parseJsonPath(target.InputPath)!) ?? null);
  if (target.InputTransformer) return transform(target.InputTransformer, event, context);
  return JSON.stringify(event);
}

/**
 * Fills the template: a placeholder inside a JSON string takes the value's text (a string's characters,
 * escaped for the string it sits in; anything else as JSON), one outside takes the value as JSON. A path
 * the event lacks gives null (an empty string inside a string). Unknown placeholders stay as written.
 */
function transform(transformer: NonNullable<EventTarget['InputTransformer']>, event: EventBridgeEvent, context: InputContext): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) values.set(name, selectJsonPath(event, parseJsonPath(path) ?? []));
  values.set('aws.events.rule-arn', context.ruleArn);
  values.set('aws.events.rule-name', context.ruleName);
  values.set('aws.events.event.ingestion-time', context.ingestionTime);
  values.set('aws.events.event', event);
  values.set('aws.events.event.json', event);
  const template = transformer.InputTemplate;
  let out = '';
  let inString = false;
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const start = match.index!;
    inString = quoteState(template, last, start, inString);
    out += template.slice(last, start);
    last = start + match[0].length;
    const name = match[1]!;
    if (!values.has(name)) {
      out += match[0];
      continue;
    }
    const value = values.get(name);
    if (inString) out += value === undefined ? '' : typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value).replace(/["\\]/g, '\\$&');
    else out += JSON.stringify(value ?? null);
  }
  return out + template.slice(last);
}

/** Whether the text up to `end` leaves us inside a JSON string, starting from `inString` at `from`. */
function quoteState(text: string, from: number, end: number, inString: boolean): boolean {
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
  }
  return inString;
}

/** The members of an ECS target's input that RunTask takes as its task overrides. */
const TASK_OVERRIDE_MEMBERS = ['containerOverrides', 'cpu', 'memory', 'taskRoleArn', 'executionRoleArn', 'ephemeralStorage', 'inferenceAcceleratorOverrides'] as const;

/** RunTask's `overrides` from an ECS target's input (Input, InputPath or InputTransformer): its TaskOverride members. */
export function ecsOverrides(input: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const picked = Object.fromEntries(TASK_OVERRIDE_MEMBERS.filter((k) => k in parsed).map((k) => [k, (parsed as Record<string, unknown>)[k]]));
  return Object.keys(picked).length > 0 ? picked : undefined;
}
