// The lifecycle controller: every few minutes, each bucket's lifecycle rules are applied as S3 applies them
// (asynchronously, some time after an object becomes eligible): current versions expire (a delete, so a
// delete marker where versioning is on), noncurrent versions and lone expired delete markers are removed,
// abandoned multipart uploads aborted.
import { lifecycleAction, uploadAbandoned, type ObjectVersion } from '../../core/s3.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';
import { objectStore } from './buckets.js';
import { deleteOne } from './objects.js';

const INTERVAL_MS = 5 * 60_000;

export function lifecycleController(ctx: ControlContext, signal: AbortSignal, intervalMs = INTERVAL_MS): Promise<void> {
  return every(ctx, 's3-lifecycle', intervalMs, signal, () => applyLifecycle(ctx));
}

/** One pass over every bucket with lifecycle rules. */
export async function applyLifecycle(ctx: ControlContext): Promise<void> {
  const store = objectStore(ctx);
  const now = ctx.clock.now();
  for (const bucket of ctx.state.all('bucket')) {
    const rules = bucket.lifecycle;
    if (!rules?.length) continue;
    const due: { version: ObjectVersion; action: 'expire' | 'remove' }[] = [];
    let newer: ObjectVersion | undefined;
    let versionsOfKey = 0;
    const pending: ObjectVersion[] = [];
    const flush = () => {
      for (const version of pending) {
        const action = lifecycleAction(rules, version, now, undefined, versionsOfKey === 1);
        if (action) due.push({ version, action });
      }
      pending.length = 0;
    };
    store.walk(bucket.Name, (version) => {
      if (newer?.key !== version.key) {
        flush();
        versionsOfKey = 0;
        newer = undefined;
      }
      versionsOfKey++;
      // A noncurrent version has been so since its successor was written.
      if (!version.isLatest) {
        const action = lifecycleAction(rules, version, now, newer?.lastModified);
        if (action) due.push({ version, action });
      } else {
        pending.push(version);
      }
      newer = version;
    });
    flush();
    for (const { version, action } of due) {
      await deleteOne(ctx, bucket, version.key, action === 'remove' ? version.versionId : undefined, undefined, 'Lifecycle Expiration');
      ctx.log.info('object expired by lifecycle', { bucket: bucket.Name, key: version.key, versionId: version.versionId, action });
    }
    for (const upload of store.listUploads(bucket.Name, '', '', 10_000))
      if (uploadAbandoned(rules, upload, now)) {
        store.removeUpload(upload.uploadId);
        ctx.log.info('multipart upload aborted by lifecycle', { bucket: bucket.Name, key: upload.key, uploadId: upload.uploadId });
      }
  }
}
