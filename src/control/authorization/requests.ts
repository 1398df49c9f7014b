// One call as the authorisation requests AWS evaluates for it: its action on each resource it names, with
// the request's condition keys (the global ones, the tags it sets, each resource's tags, the service's
// own keys), and any further action it implies (iam:PassRole).
import type { CallContext } from '../../core/caller.js';
import type { AuthorizationRequest, ConditionContext } from '../../core/policy/types.js';
import type { ControlContext } from '../context.js';
import type { ServiceCatalogue } from './catalogue.js';
import { resourcesOf, type ArnScope } from './resources.js';
import type { ImpliedAction, ServiceRules } from './rules.js';

const PRINCIPAL_TYPES = { root: 'Account', user: 'User', 'assumed-role': 'AssumedRole', anonymous: 'Anonymous' } as const;

/** What a call asks before the keys of the request itself: read from state and the input alone. */
export interface CallShape {
  action: string;
  /** Each resource the call acts on, with its own keys (the service's, its tags). */
  resources: { arn: string; keys: ConditionContext }[];
  /** aws:RequestTag/* and aws:TagKeys, when the call sets tags. */
  requestTags: ConditionContext | undefined;
  implied: ImpliedAction[];
}

export function requestsFor(
  ctx: ControlContext,
  catalogue: ServiceCatalogue,
  rules: ServiceRules,
  operation: string,
  input: unknown,
  call: CallContext,
  principalTags: Record<string, string>,
): AuthorizationRequest[] {
  return requestsOf(shapeOf(ctx, catalogue, rules, operation, input, scopeOf(call)), ctx, call, principalTags);
}

/** What ARNs take from the call: its region and the caller's account. */
export const scopeOf = (call: CallContext): ArnScope => ({ partition: 'aws', region: call.region, accountId: call.caller.accountId });

export function shapeOf(ctx: ControlContext, catalogue: ServiceCatalogue, rules: ServiceRules, operation: string, input: unknown, scope: ArnScope): CallShape {
  const named = rules.actionOf?.(ctx, operation, input);
  const spec = catalogue.action(named ? named.action.slice(named.action.indexOf(':') + 1) : operation);
  const found = named ? named.resources.map((arn) => ({ arn })) : resourcesOf(spec, input, scope, rules.variables?.(ctx, operation, input));
  const resources = found.map((resource) => {
    const keys: ConditionContext = { ...rules.conditionKeys?.(ctx, spec, resource, input) };
    if (resource.arn !== '*') addResourceTags(ctx, rules, catalogue.prefix, resource.arn, keys);
    return { arn: resource.arn, keys };
  });
  const tags: ConditionContext = {};
  addRequestTags(input, tags);
  return {
    action: named?.action ?? spec?.action ?? `${catalogue.prefix}:${operation}`,
    resources,
    requestTags: Object.keys(tags).length > 0 ? tags : undefined,
    implied: rules.implied?.(ctx, operation, input) ?? [],
  };
}

/** The call's requests: its shape with the keys of this request (global keys: caller, time, origin). */
export function requestsOf(shape: CallShape, ctx: ControlContext, call: CallContext, principalTags: Record<string, string>): AuthorizationRequest[] {
  const requestContext = globalKeys(ctx, call, principalTags);
  if (shape.requestTags) Object.assign(requestContext, shape.requestTags);
  const requests: AuthorizationRequest[] = [];
  for (const resource of shape.resources) {
    // Most calls name one resource: its request takes the call's keys as they are, without a copy.
    const context = shape.resources.length === 1 ? requestContext : { ...requestContext };
    requests.push({ action: shape.action, resource: resource.arn, context: Object.assign(context, resource.keys) });
  }
  for (const implied of shape.implied) {
    requests.push({ action: implied.action, resource: implied.resource, context: Object.assign(globalKeys(ctx, call, principalTags), implied.context) });
  }
  return requests;
}

/** The keys AWS puts in every request's context (IAM User Guide, "AWS global condition context keys"). */
export function globalKeys(ctx: ControlContext, call: CallContext, principalTags: Record<string, string>): ConditionContext {
  const { caller } = call;
  const { iso, epoch } = timeKeys(ctx.clock.now().getTime());
  const keys: ConditionContext = {
    'aws:CurrentTime': iso,
    'aws:EpochTime': epoch,
    // A role session's aws:PrincipalArn is its role's ARN, not the assumed-role ARN.
    'aws:PrincipalArn': caller.type === 'assumed-role' ? (caller.identityArn ?? caller.arn) : caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalType': PRINCIPAL_TYPES[caller.type ?? 'root'],
    'aws:userid': caller.userId ?? caller.accountId,
    'aws:SecureTransport': String(call.secureTransport ?? false),
    'aws:RequestedRegion': call.region,
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
  if (call.sourceIp) keys['aws:SourceIp'] = call.sourceIp;
  if (caller.type === 'user') keys['aws:username'] = caller.arn.slice(caller.arn.lastIndexOf('/') + 1);
  for (const key in principalTags) keys[`aws:PrincipalTag/${key}`] = principalTags[key];
  return keys;
}

// aws:CurrentTime and aws:EpochTime as text, made once per millisecond (calls come faster than that).
let lastTime = { ms: NaN, iso: '', epoch: '' };

function timeKeys(ms: number): { iso: string; epoch: string } {
  if (lastTime.ms !== ms) lastTime = { ms, iso: new Date(ms).toISOString(), epoch: String(Math.floor(ms / 1000)) };
  return lastTime;
}

/** aws:RequestTag/* and aws:TagKeys from the tags the input sets (`tags`, `Tags`, or EC2's `TagSpecifications`), into `context`. */
function addRequestTags(input: unknown, context: ConditionContext): void {
  if (!input || typeof input !== 'object') return;
  const { tags, Tags, TagSpecifications } = input as Record<string, unknown>;
  if (tags === undefined && Tags === undefined && TagSpecifications === undefined) return;
  const all = [...tagList(tags), ...tagList(Tags)];
  if (Array.isArray(TagSpecifications)) for (const spec of TagSpecifications) all.push(...tagList((spec as { Tags?: unknown })?.Tags));
  if (all.length === 0) return;
  context['aws:TagKeys'] = [...new Set(all.map(([key]) => key))];
  for (const [key, value] of all) context[`aws:RequestTag/${key}`] = value;
}

/** aws:ResourceTag/* and <prefix>:ResourceTag/* from the resource's record, wherever the service keeps it. */
function addResourceTags(ctx: ControlContext, rules: ServiceRules, prefix: string, arn: string, context: ConditionContext): void {
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  for (const kind of rules.taggedKinds ?? []) {
    const record = (ctx.state.get(kind, arn) ?? ctx.state.get(kind, id)) as { tags?: unknown; Tags?: unknown; Arn?: string } | undefined;
    // Found by its last segment, a record must be this very resource (IAM names are unique only within a kind).
    if (!record || (record.Arn !== undefined && record.Arn !== arn)) continue;
    for (const [key, value] of [...tagList(record.tags), ...tagList(record.Tags)]) {
      context[`aws:ResourceTag/${key}`] = value;
      context[`${prefix}:ResourceTag/${key}`] = value;
    }
    return;
  }
}

/** Tags as [key, value] pairs, whichever casing the service's shapes use (`key`/`value` or `Key`/`Value`). */
function tagList(tags: unknown): [string, string][] {
  if (!Array.isArray(tags)) return [];
  return tags.map((tag: { key?: string; value?: string; Key?: string; Value?: string }) => [tag.key ?? tag.Key ?? '', tag.value ?? tag.Value ?? '']);
}
