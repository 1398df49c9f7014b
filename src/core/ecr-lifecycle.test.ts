import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from './errors.js';
import { evaluateLifecycle, parseLifecyclePolicy, type LifecycleImage } from './ecr-lifecycle.js';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-06-01T00:00:00Z');
const image = (n: number, tags: string[], daysAgo: number): LifecycleImage => ({ imageDigest: `sha256:${String(n).padStart(64, '0')}`, imageTags: tags, imagePushedAt: new Date(now.getTime() - daysAgo * DAY) });
const policy = (...rules: object[]) => parseLifecyclePolicy(JSON.stringify({ rules: rules.map((r, i) => ({ rulePriority: i + 1, description: 'a rule of this test policy', action: { type: 'expire' }, ...r })) }));
const invalid = (error: unknown) => (error as AwsError).code === 'InvalidParameterException';

describe('ECR lifecycle policies', () => {
  it('expires untagged images older than a number of days', () => {
    const images = [image(1, [], 10), image(2, [], 1), image(3, ['v1'], 30)];
    const result = evaluateLifecycle(policy({ selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 } }), images, now);
    assert.deepEqual(result.map((a) => a.imageDigest), [images[0]!.imageDigest]);
    assert.equal(result[0]!.appliedRulePriority, 1);
  });

  it('keeps the newest N images of a tag prefix; images a rule selected are not seen by later rules', () => {
    const images = [image(1, ['prod-1'], 5), image(2, ['prod-2'], 4), image(3, ['prod-3'], 3), image(4, ['dev-1'], 2), image(5, [], 1)];
    const result = evaluateLifecycle(
      policy({ selection: { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 2 } }, { selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 } }),
      images,
      now,
    );
    // prod-1 by rule 1; of dev-1 and the untagged one (prod-* were selected by rule 1), the older by rule 2.
    assert.deepEqual(result.map((a) => [a.imageDigest, a.appliedRulePriority]), [[images[0]!.imageDigest, 1], [images[3]!.imageDigest, 2]]);
  });

  it('matches tag patterns with wildcards, every pattern by some tag', () => {
    const images = [image(1, ['release-1.0', 'stable'], 3), image(2, ['release-2.0'], 2), image(3, ['nightly'], 1)];
    const result = evaluateLifecycle(policy({ selection: { tagStatus: 'tagged', tagPatternList: ['release-*', 'stab*'], countType: 'imageCountMoreThan', countNumber: 0 + 1 } }), images, now);
    assert.deepEqual(result, []);
    const all = evaluateLifecycle(policy({ selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 1 } }), images, now);
    assert.deepEqual(all.map((a) => a.imageDigest), [images[1]!.imageDigest, images[0]!.imageDigest]);
  });

  it('refuses what ECR refuses', () => {
    assert.throws(() => parseLifecyclePolicy('{"rules": []}'), invalid);
    assert.throws(() => policy({ selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 } }), invalid);
    assert.throws(() => policy({ selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 1 } }), invalid);
    assert.throws(() => policy({ selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countUnit: 'days', countNumber: 1 } }), invalid);
    assert.throws(() => policy({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 } }, { selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 } }), invalid);
    assert.throws(() => policy({ selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 0 } }), invalid);
  });
});
