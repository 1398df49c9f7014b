// Applies each repository's lifecycle policy: whenever its images or its policy change, and every hour for
// the rules that count days (ECR evaluates within 24 hours; sooner is within that). Expired images are
// deleted as BatchDeleteImage deletes them, their blobs with them when nothing else names them.
import type { EcrRepositoryRecord } from '../../core/ecr.js';
import { evaluateLifecycle, parseLifecyclePolicy } from '../../core/ecr-lifecycle.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner } from '../runner.js';
import { deleteImages } from './images.js';
import { imagesOf } from './repositories.js';

const HOUR_MS = 60 * 60 * 1000;

export function runLifecyclePolicies(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  const runner = new ControllerRunner<string>(ctx, (repositoryName) => applyLifecyclePolicy(ctx, repositoryName), {
    name: 'ecr lifecycle',
    triggers: (changes) =>
      changes.flatMap((c) => {
        // Its own writes (lastLifecycleEvaluatedAt) do not trigger it again: only a policy that changes.
        if (c.kind === 'ecrRepository') return (c.before as EcrRepositoryRecord | undefined)?.lifecyclePolicyText !== (c.after as EcrRepositoryRecord | undefined)?.lifecyclePolicyText ? [c.id] : [];
        if (c.kind === 'ecrImage') return [c.id.slice(0, c.id.lastIndexOf('@'))];
        return [];
      }),
    debounceMs: 1000,
    retryMs: 60_000,
    resync: { everyMs: HOUR_MS, keys: () => [...ctx.state.all('ecrRepository')].filter((r) => r.lifecyclePolicyText).map((r) => r.repositoryName) },
  });
  return runner.run(signal);
}

export async function applyLifecyclePolicy(ctx: ControlContext, repositoryName: string): Promise<void> {
  const repo = ctx.state.get('ecrRepository', repositoryName);
  if (!repo?.lifecyclePolicyText) return;
  const now = ctx.clock.now();
  const expiring = evaluateLifecycle(parseLifecyclePolicy(repo.lifecyclePolicyText), imagesOf(ctx.state, repositoryName), now);
  await ctx.state.mutate((tx) => {
    const current = tx.get('ecrRepository', repositoryName);
    if (current) tx.put('ecrRepository', repositoryName, { ...current, lastLifecycleEvaluatedAt: now });
  });
  if (!expiring.length) return;
  const removed = await deleteImages(ctx, repositoryName, expiring.map((a) => a.imageDigest));
  ctx.log.info('lifecycle policy expired images', { repositoryName, count: removed.length });
}
