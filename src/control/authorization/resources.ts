// The generic rule: which resources an operation acts on, read from its input. An ARN in the input that
// fits one of the action's resource types is that resource; otherwise the type's ARN template is filled
// from input members named like its variables (`${ClusterName}` from `cluster`, `${ServiceName}` from
// `service`, `services` or `serviceName`), one resource per element of a list, for the types the action
// always acts on (the reference's required ones; an optional type is only ever named by ARN). A type whose
// variables cannot all be filled is not named, and an action that names no resource is authorised on `*`,
// as AWS authorises actions without resource-level permissions.
import type { ActionSpec, ResourceType } from './catalogue.js';

/** One resource an operation acts on: its ARN and, when known, its resource type. */
export interface Resource {
  arn: string;
  type?: ResourceType;
}

/** What ARNs take from the call rather than the input. */
export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

/** Values for template variables, by variable name: a service's resolutions and defaults, which take precedence over the input's members. */
export type Variables = Record<string, string | readonly string[] | undefined>;

export const ANY_RESOURCE: Resource = { arn: '*' };

export function resourcesOf(spec: ActionSpec | undefined, input: unknown, scope: ArnScope, resolved: Variables = {}): Resource[] {
  if (!spec || spec.resourceTypes.length === 0) return [ANY_RESOURCE];
  const members = stringMembers(input);
  const resources: Resource[] = [];
  const consumed = new Set<string>();
  for (const type of spec.resourceTypes) {
    for (const [, values] of members) {
      for (const value of values) {
        if (value.startsWith('arn:') && type.pattern.test(value)) {
          resources.push({ arn: value, type });
          consumed.add(value);
        }
      }
    }
  }
  // A type some of whose resources came as ARNs is filled from the names given beside them, if any.
  for (const type of spec.resourceTypes) {
    if (type.required) for (const arn of fill(type, members, consumed, scope, resolved)) resources.push({ arn, type });
  }
  return resources.length > 0 ? resources : [ANY_RESOURCE];
}

/** The values of `type`'s variables in `arn` (`ClusterName` of a task's ARN), or undefined when it is not of that type. */
export function variablesIn(type: ResourceType, arn: string): Record<string, string> | undefined {
  const match = type.pattern.exec(arn);
  if (!match) return undefined;
  return Object.fromEntries(type.variables.map((name, i) => [name, match[i + 1]!]));
}

/** The template filled once per combination of its variables' values (lists multiply, scalars don't). */
function fill(type: ResourceType, members: Map<string, string[]>, consumed: Set<string>, scope: ArnScope, resolved: Variables): string[] {
  let arns = [inScope(type, scope)];
  for (const variable of type.variables) {
    const values = valuesFor(variable, members, consumed, resolved);
    if (!values || values.length === 0) return [];
    arns = arns.flatMap((arn) => values.map((value) => arn.replace(`\${${variable}}`, value)));
  }
  return arns;
}

// The template with the call's partition, region and account, kept per type for the scope it was last filled
// for (calls come from one account, mostly in one region).
const scoped = new WeakMap<ResourceType, { scope: ArnScope; text: string }>();

function inScope(type: ResourceType, scope: ArnScope): string {
  const last = scoped.get(type);
  if (last && last.scope.region === scope.region && last.scope.accountId === scope.accountId && last.scope.partition === scope.partition) return last.text;
  const text = type.template.replace('${Partition}', scope.partition).replace('${Region}', scope.region).replace('${Account}', scope.accountId);
  scoped.set(type, { scope, text });
  return text;
}

function valuesFor(variable: string, members: Map<string, string[]>, consumed: Set<string>, resolved: Variables): readonly string[] | undefined {
  const value = resolved[variable];
  if (value !== undefined) return typeof value === 'string' ? [value] : value;
  for (const name of memberNamesFor(variable)) {
    const values = members.get(name)?.filter((value) => !consumed.has(value));
    // A name given as an ARN of another type (a cluster's ARN where a task's ARN needs its name) yields its last segment.
    if (values?.length) return values.map((value) => (value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value));
  }
  return undefined;
}

// Per variable (the reference's few hundred), computed once.
const memberNames = new Map<string, readonly string[]>();

/** The (lower-cased) input member names that can carry a template variable. */
function memberNamesFor(variable: string): readonly string[] {
  let names = memberNames.get(variable);
  if (!names) {
    const bare = variable.replace(/WithPath$/, '').toLowerCase();
    const stem = bare.replace(/(name|id|arn)$/, '');
    memberNames.set(variable, (names = [...new Set([bare, stem, `${stem}s`, `${bare}s`, `${stem}name`, `${stem}id`])]));
  }
  return names;
}

/** The input's top-level string members (lists of strings as their elements), by lower-cased name. */
function stringMembers(input: unknown): Map<string, string[]> {
  const members = new Map<string, string[]>();
  if (!input || typeof input !== 'object') return members;
  for (const [name, value] of Object.entries(input)) {
    if (typeof value === 'string') members.set(name.toLowerCase(), [value]);
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) members.set(name.toLowerCase(), value);
  }
  return members;
}
