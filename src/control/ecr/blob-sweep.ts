// The registry's hourly sweep, for what the immediate collection on delete never sees: scopes whose
// repository is gone without their blobs being released (a reset, a crash mid-delete), blobs committed but
// never linked (a crash between the two), and uploads abandoned mid-push.
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export function runBlobSweep(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  return every(ctx, 'ecr blob sweep', HOUR_MS, signal, () => sweepBlobs(ctx));
}

export async function sweepBlobs(ctx: ControlContext): Promise<void> {
  const registry = ctx.registry;
  if (!registry) return;
  const { blobs } = registry;
  const released: string[] = [];
  for (const scope of await blobs.scopes()) {
    // Scopes are `<account>/<region>/<repository>` (repositories.ts blobScope).
    const [account, region, ...name] = scope.split('/');
    if (account === ctx.partition.accountId && region && ctx.state.inRegion(region).get('ecrRepository', name.join('/'))) continue;
    for (const digest of await blobs.scopeBlobs(scope)) {
      await blobs.unlink(scope, digest);
      released.push(digest);
    }
  }
  const deleted = [...(await blobs.collect({ digests: released })), ...(await blobs.collect({ olderThanMs: HOUR_MS }))];
  const uploads = await blobs.sweepUploads(DAY_MS);
  if (deleted.length || uploads) ctx.log.info('registry swept', { blobsDeleted: deleted.length, uploadsRemoved: uploads });
}
