// S3's events to EventBridge ("Object Created", "Object Deleted"), sent when the bucket's notification
// configuration has EventBridgeConfiguration, with AWS's detail shape
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), on the default bus of the bucket's region.
import type { CallContext } from '../../core/caller.js';
import { bucketArn, type BucketRecord, type ObjectVersion } from '../../core/s3.js';
import type { ControlContext } from '../context.js';
import { publishEvents } from '../events/publish.js';
import { inRegion } from '../regions.js';

export type ObjectEvent =
  | { type: 'Object Created'; reason: 'PutObject' | 'CopyObject' | 'CompleteMultipartUpload'; version: ObjectVersion }
  | { type: 'Object Deleted'; reason: 'DeleteObject' | 'Lifecycle Expiration'; version: Pick<ObjectVersion, 'key' | 'versionId'>; deletionType: 'Permanently Deleted' | 'Delete Marker Created' };

let sequence = 0;

export function objectEvent(ctx: ControlContext, bucket: BucketRecord, event: ObjectEvent, call?: CallContext): void {
  if (!bucket.notification || bucket.notification.EventBridgeConfiguration === undefined) return;
  const regional = inRegion(ctx, bucket.region);
  // The sequencer orders events of one key: hex, growing.
  const sequencer = (regional.clock.now().getTime() * 1000 + (sequence++ % 1000)).toString(16).toUpperCase().padStart(16, '0');
  const object: Record<string, unknown> = { key: event.version.key, sequencer };
  if (event.version.versionId !== 'null') object['version-id'] = event.version.versionId;
  if (event.type === 'Object Created') Object.assign(object, { size: event.version.size, etag: event.version.etag.replace(/"/g, '') });
  publishEvents(regional, [
    {
      source: 'aws.s3',
      'detail-type': event.type,
      resources: [bucketArn(bucket.Name)],
      detail: {
        version: '0',
        bucket: { name: bucket.Name },
        object,
        'request-id': call?.requestId ?? regional.ids.id(),
        requester: call?.caller.accountId ?? 's3.amazonaws.com',
        ...(call?.sourceIp && { 'source-ip-address': call.sourceIp }),
        reason: event.reason,
        ...(event.type === 'Object Deleted' && { 'deletion-type': event.deletionType }),
      },
    },
  ]);
}
