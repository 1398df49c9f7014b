// ELBv2 tags (AddTags, RemoveTags, DescribeTags): on load balancers, target groups, listeners and rules,
// at most 50 per resource, keys unique within a request.
import type { ElbTag } from '../../core/elbv2.js';
import { DuplicateTagKeys, ListenerNotFound, LoadBalancerNotFound, RuleNotFound, TargetGroupNotFound, TooManyTags, TrustStoreNotFound } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { Kind } from '../../core/records.js';
import type { Transaction } from '../state.js';

export const MAX_TAGS = 50;

type TaggedKind = Extract<Kind, 'loadBalancer' | 'targetGroup' | 'listener' | 'rule' | 'trustStore'>;

/** The kind of record an ELBv2 ARN names, from its resource type. */
export function taggedKind(arn: string): TaggedKind {
  const resource = arn.split(':')[5] ?? '';
  if (resource.startsWith('loadbalancer/')) return 'loadBalancer';
  if (resource.startsWith('targetgroup/')) return 'targetGroup';
  if (resource.startsWith('listener-rule/')) return 'rule';
  if (resource.startsWith('listener/')) return 'listener';
  if (resource.startsWith('truststore/')) return 'trustStore';
  throw new ValidationError(`'${arn}' is not a valid ELB resource ARN`);
}

const NOT_FOUND = {
  loadBalancer: (arn: string) => new LoadBalancerNotFound(`Load balancer '${arn}' not found`),
  targetGroup: (arn: string) => new TargetGroupNotFound(`Target groups '${arn}' not found`),
  listener: (arn: string) => new ListenerNotFound(`Listener '${arn}' not found`),
  rule: (_arn: string) => new RuleNotFound('One or more rules not found'),
  trustStore: (arn: string) => new TrustStoreNotFound(`Trust store '${arn}' not found`),
};

/** The tagged record an ARN names, or its kind's not-found error. */
export function taggedRecord(tx: Pick<Transaction, 'get'>, arn: string): { kind: TaggedKind; record: { tags: ElbTag[] } } {
  const kind = taggedKind(arn);
  const record = tx.get(kind, arn);
  if (!record) throw NOT_FOUND[kind](arn);
  return { kind, record };
}

export function validateTags(tags: readonly ElbTag[]): void {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new DuplicateTagKeys(`Tag key '${keys.find((k, i) => keys.indexOf(k) !== i)}' is duplicated`);
  if (tags.length > MAX_TAGS) throw new TooManyTags(`You can have a maximum of ${MAX_TAGS} tags per resource`);
}

/** `tags` with `added` merged in (a key already there takes the new value). */
export function mergeTags(tags: readonly ElbTag[], added: readonly ElbTag[]): ElbTag[] {
  validateTags(added);
  const merged = new Map(tags.map((t) => [t.Key, t]));
  for (const tag of added) merged.set(tag.Key, tag);
  if (merged.size > MAX_TAGS) throw new TooManyTags(`You can have a maximum of ${MAX_TAGS} tags per resource`);
  return [...merged.values()];
}
