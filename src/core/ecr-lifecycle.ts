// ECR lifecycle policies, as "Lifecycle policy evaluation rules" (ECR User Guide) lays them out: rules run
// in rulePriority order (lowest first); a rule selects images by tag status (tagged with prefixes or
// patterns, all of which an image must match; untagged; any), then expires those past a count (the newest
// `countNumber` stay) or older than `countNumber` days; an image a rule selected is never seen by the rules
// after it. Pure: images and `now` in, the expiring images out.
import { InvalidParameterException } from './ecr-errors.js';
import type { LifecycleAction } from './ecr.js';

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

export interface LifecycleImage {
  imageDigest: string;
  imageTags: string[];
  imagePushedAt: Date;
}

const invalid = (reason: string) =>
  new InvalidParameterException(`Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${reason}'`);

const MAX_POLICY_CHARS = 30720;

/** Reads and checks a policy text as PutLifecyclePolicy does. */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  if (text.length < 100 || text.length > MAX_POLICY_CHARS) throw invalid(`the policy text must be between 100 and ${MAX_POLICY_CHARS} characters`);
  let policy: LifecyclePolicy;
  try {
    policy = JSON.parse(text) as LifecyclePolicy;
  } catch {
    throw invalid('the policy text is not valid JSON');
  }
  if (!policy || !Array.isArray(policy.rules) || policy.rules.length === 0) throw invalid('object has missing required properties (["rules"])');
  const priorities = new Set<number>();
  let anyPriority: number | undefined;
  for (const rule of policy.rules) {
    if (!Number.isInteger(rule?.rulePriority) || rule.rulePriority < 1) throw invalid('rulePriority must be a positive integer');
    if (priorities.has(rule.rulePriority)) throw invalid(`rulePriority ${rule.rulePriority} is used by more than one rule`);
    priorities.add(rule.rulePriority);
    const s = rule.selection;
    if (!s || typeof s !== 'object') throw invalid('object has missing required properties (["selection"])');
    if (!['tagged', 'untagged', 'any'].includes(s.tagStatus)) throw invalid(`instance value ("${s.tagStatus}") not found in enum (possible values: ["tagged","untagged","any"])`);
    const prefixes = s.tagPrefixList ?? [];
    const patterns = s.tagPatternList ?? [];
    if (s.tagStatus === 'tagged' && prefixes.length === 0 && patterns.length === 0) throw invalid('tagPrefixList or tagPatternList is required when tagStatus is tagged');
    if (prefixes.length && patterns.length) throw invalid('tagPrefixList and tagPatternList may not both be given');
    if (s.tagStatus !== 'tagged' && (prefixes.length || patterns.length)) throw invalid('tagPrefixList and tagPatternList are for tagStatus tagged only');
    if (patterns.some((p) => (p.match(/\*/g)?.length ?? 0) > 4)) throw invalid('a tag pattern may hold at most 4 wildcards');
    if (s.countType === 'imageCountMoreThan') {
      if (s.countUnit !== undefined) throw invalid('countUnit is not allowed when countType is imageCountMoreThan');
    } else if (s.countType === 'sinceImagePushed') {
      if (s.countUnit !== 'days') throw invalid('countUnit days is required when countType is sinceImagePushed');
    } else throw invalid(`instance value ("${s.countType}") not found in enum (possible values: ["imageCountMoreThan","sinceImagePushed"])`);
    if (!Number.isInteger(s.countNumber) || s.countNumber < 1) throw invalid('countNumber must be an integer of at least 1');
    if (rule.action?.type !== 'expire') throw invalid('action type must be expire');
    if (s.tagStatus === 'any') anyPriority = Math.max(anyPriority ?? 0, rule.rulePriority);
  }
  if (anyPriority !== undefined && [...priorities].some((p) => p > anyPriority!)) throw invalid("a rule with tagStatus 'any' must have the highest rulePriority");
  return policy;
}

const patternRegex = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

function selects(rule: LifecycleRule, image: LifecycleImage): boolean {
  const { tagStatus, tagPrefixList = [], tagPatternList = [] } = rule.selection;
  if (tagStatus === 'untagged') return image.imageTags.length === 0;
  if (tagStatus === 'any') return true;
  if (image.imageTags.length === 0) return false;
  if (tagPrefixList.length) return tagPrefixList.every((prefix) => image.imageTags.some((tag) => tag.startsWith(prefix)));
  return tagPatternList.map(patternRegex).every((re) => image.imageTags.some((tag) => re.test(tag)));
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The images the policy expires at `now`, each with the rule that expires it. */
export function evaluateLifecycle(policy: LifecyclePolicy, images: readonly LifecycleImage[], now: Date): LifecycleAction[] {
  const newestFirst = [...images].sort((a, b) => new Date(b.imagePushedAt).getTime() - new Date(a.imagePushedAt).getTime() || (a.imageDigest < b.imageDigest ? -1 : 1));
  const seen = new Set<string>();
  const actions: LifecycleAction[] = [];
  for (const rule of [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const selected = newestFirst.filter((image) => !seen.has(image.imageDigest) && selects(rule, image));
    for (const image of selected) seen.add(image.imageDigest);
    const { countType, countNumber } = rule.selection;
    const expiring =
      countType === 'imageCountMoreThan'
        ? selected.slice(countNumber)
        : selected.filter((image) => now.getTime() - new Date(image.imagePushedAt).getTime() > countNumber * DAY_MS);
    for (const image of expiring) actions.push({ imageDigest: image.imageDigest, imageTags: image.imageTags, imagePushedAt: image.imagePushedAt, appliedRulePriority: rule.rulePriority });
  }
  return actions;
}
