// S3 in the authorisation step: S3's operations are not its actions (HeadObject is s3:GetObject, ListObjectsV2
// s3:ListBucket, a versioned read s3:GetObjectVersion), and its resources are named by parts (bucket, key),
// so each call is mapped here (Service Authorization Reference, "Amazon S3": actions and their resource
// types). Bucket policies are the buckets' resource policies: they join the caller's own in the evaluation.
import type { ServiceRules } from '../authorization/rules.js';

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

// Operations on a bucket authorised as an action of another name (the rest are authorised as `s3:<operation>`).
const BUCKET_ACTIONS: Record<string, string> = {
  HeadBucket: 'ListBucket',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  DeleteBucketTagging: 'PutBucketTagging',
  PutBucketCors: 'PutBucketCORS',
  GetBucketCors: 'GetBucketCORS',
  DeleteBucketCors: 'PutBucketCORS',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  DeleteBucketLifecycle: 'PutLifecycleConfiguration',
  PutBucketNotificationConfiguration: 'PutBucketNotification',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
  GetBucketReplication: 'GetReplicationConfiguration',
  GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
};

// Operations on an object, by the action they are authorised as.
const OBJECT_ACTIONS: Record<string, string> = {
  PutObject: 'PutObject',
  CopyObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  UploadPartCopy: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  GetObject: 'GetObject',
  HeadObject: 'GetObject',
  DeleteObject: 'DeleteObject',
  GetObjectTagging: 'GetObjectTagging',
  PutObjectTagging: 'PutObjectTagging',
  DeleteObjectTagging: 'DeleteObjectTagging',
  ListParts: 'ListMultipartUploadParts',
  AbortMultipartUpload: 'AbortMultipartUpload',
};

// Reads and deletes of a given version are actions of their own.
const VERSIONED: Record<string, string> = { GetObject: 'GetObjectVersion', DeleteObject: 'DeleteObjectVersion', GetObjectTagging: 'GetObjectVersionTagging', PutObjectTagging: 'PutObjectVersionTagging', DeleteObjectTagging: 'DeleteObjectVersionTagging' };

export const s3Rules: ServiceRules = {
  actionOf(_ctx, operation, input: { Bucket?: string; Key?: string; VersionId?: string; Delete?: { Objects?: { Key: string; VersionId?: string }[] } }) {
    if (operation === 'ListBuckets') return { action: 's3:ListAllMyBuckets', resources: ['*'] };
    if (!input.Bucket) return undefined;
    if (operation === 'DeleteObjects') {
      const objects = input.Delete?.Objects ?? [];
      return { action: 's3:DeleteObject', resources: objects.map((object) => objectArn(input.Bucket!, object.Key)) };
    }
    const object = OBJECT_ACTIONS[operation];
    if (object && input.Key !== undefined) {
      const action = (input.VersionId !== undefined && VERSIONED[operation]) || object;
      return { action: `s3:${action}`, resources: [objectArn(input.Bucket, input.Key)] };
    }
    return { action: `s3:${BUCKET_ACTIONS[operation] ?? operation}`, resources: [bucketArn(input.Bucket)] };
  },
  // A copy reads its source: s3:GetObject on it too.
  implied(_ctx, operation, input: { CopySource?: string }) {
    if ((operation !== 'CopyObject' && operation !== 'UploadPartCopy') || !input.CopySource) return [];
    const source = input.CopySource.replace(/^\//, '').split('?')[0]!;
    let decoded = source;
    try {
      decoded = decodeURIComponent(source);
    } catch {
      // The operation refuses a malformed source itself.
    }
    return [{ action: 's3:GetObject', resource: `arn:aws:s3:::${decoded}`, context: {} }];
  },
  resourcePolicy(ctx, arn) {
    if (!arn.startsWith('arn:aws:s3:::')) return undefined;
    const rest = arn.slice('arn:aws:s3:::'.length);
    const slash = rest.indexOf('/');
    return ctx.state.get('bucket', slash < 0 ? rest : rest.slice(0, slash))?.policy;
  },
};
