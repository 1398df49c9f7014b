// Amazon S3 on the gateway (REST-XML): buckets and their configurations, objects streamed to and from the
// object store, multipart uploads, listings; the lifecycle controller. Bucket names are one namespace over
// every region (global records); each bucket keeps its region.
import { s3Rules } from '../control/s3/authorization.js';
import * as buckets from '../control/s3/buckets.js';
import * as configuration from '../control/s3/bucket-configuration.js';
import { lifecycleController } from '../control/s3/lifecycle.js';
import * as listings from '../control/s3/list-objects.js';
import * as multipart from '../control/s3/multipart.js';
import * as objects from '../control/s3/objects.js';
import { S3Error } from '../core/s3-errors.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

// Configurations Wharf does not apply, answered as a bucket that never had them (what SDKs and Terraform's
// provider read back after creating a bucket).
const notConfigured = (code: string, message: string) => () => {
  throw new S3Error(code, message, 404);
};

export const s3: ServiceModule = {
  global: { kinds: ['bucket'] },
  binding: (ctx) => ({
    model: loadModel('s3'),
    // S3 refuses bad input with its own codes rather than a generic validation error.
    validationErrorCode: 'InvalidArgument',
    xmlRoots: {
      ListBuckets: 'ListAllMyBucketsResult',
      ListObjects: 'ListBucketResult',
      ListObjectsV2: 'ListBucketResult',
      ListObjectVersions: 'ListVersionsResult',
      GetBucketLocation: 'LocationConstraint',
      GetBucketVersioning: 'VersioningConfiguration',
      GetBucketTagging: 'Tagging',
      GetObjectTagging: 'Tagging',
      GetBucketCors: 'CORSConfiguration',
      GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
      GetBucketNotificationConfiguration: 'NotificationConfiguration',
      CreateMultipartUpload: 'InitiateMultipartUploadResult',
      CompleteMultipartUpload: 'CompleteMultipartUploadResult',
      ListParts: 'ListPartsResult',
      ListMultipartUploads: 'ListMultipartUploadsResult',
      DeleteObjects: 'DeleteResult',
      GetBucketAcl: 'AccessControlPolicy',
      GetObjectAcl: 'AccessControlPolicy',
      GetBucketRequestPayment: 'RequestPaymentConfiguration',
      GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
      GetBucketLogging: 'BucketLoggingStatus',
    },
    crossOrigin: (request) => configuration.crossOrigin(ctx, request),
    handlers: {
      CreateBucket: (input, call) => buckets.createBucket(ctx, input, call),
      DeleteBucket: (input) => buckets.deleteBucket(ctx, input),
      HeadBucket: (input) => buckets.headBucket(ctx, input),
      ListBuckets: (input, call) => buckets.listBuckets(ctx, input, call),
      GetBucketLocation: (input) => buckets.getBucketLocation(ctx, input),
      PutBucketVersioning: (input) => configuration.putBucketVersioning(ctx, input),
      GetBucketVersioning: (input) => configuration.getBucketVersioning(ctx, input),
      PutBucketTagging: (input) => configuration.putBucketTagging(ctx, input),
      GetBucketTagging: (input) => configuration.getBucketTagging(ctx, input),
      DeleteBucketTagging: (input) => configuration.deleteBucketTagging(ctx, input),
      PutBucketPolicy: (input) => configuration.putBucketPolicy(ctx, input),
      GetBucketPolicy: (input) => configuration.getBucketPolicy(ctx, input),
      DeleteBucketPolicy: (input) => configuration.deleteBucketPolicy(ctx, input),
      PutBucketCors: (input) => configuration.putBucketCors(ctx, input),
      GetBucketCors: (input) => configuration.getBucketCors(ctx, input),
      DeleteBucketCors: (input) => configuration.deleteBucketCors(ctx, input),
      PutBucketLifecycleConfiguration: (input) => configuration.putBucketLifecycleConfiguration(ctx, input),
      GetBucketLifecycleConfiguration: (input) => configuration.getBucketLifecycleConfiguration(ctx, input),
      DeleteBucketLifecycle: (input) => configuration.deleteBucketLifecycle(ctx, input),
      PutBucketNotificationConfiguration: (input) => configuration.putBucketNotificationConfiguration(ctx, input),
      GetBucketNotificationConfiguration: (input) => configuration.getBucketNotificationConfiguration(ctx, input),
      GetBucketAcl: (input) => {
        const owner = buckets.owner(buckets.resolveBucket(ctx, input.Bucket).accountId);
        return { Owner: owner, Grants: [{ Grantee: owner, Permission: 'FULL_CONTROL' }] };
      },
      GetBucketEncryption: (input) => {
        buckets.resolveBucket(ctx, input.Bucket);
        // Every bucket is encrypted with S3-managed keys by default (since January 2023).
        return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] } };
      },
      GetBucketOwnershipControls: (input) => ({ OwnershipControls: { Rules: [{ ObjectOwnership: buckets.resolveBucket(ctx, input.Bucket).ObjectOwnership ?? 'BucketOwnerEnforced' }] } }),
      GetPublicAccessBlock: (input) => {
        buckets.resolveBucket(ctx, input.Bucket);
        const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
        return { PublicAccessBlockConfiguration: all };
      },
      GetBucketRequestPayment: (input) => (buckets.resolveBucket(ctx, input.Bucket), { Payer: 'BucketOwner' }),
      GetBucketAccelerateConfiguration: (input) => (buckets.resolveBucket(ctx, input.Bucket), {}),
      GetBucketLogging: (input) => (buckets.resolveBucket(ctx, input.Bucket), {}),
      GetBucketWebsite: notConfigured('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration'),
      GetBucketReplication: notConfigured('ReplicationConfigurationNotFoundError', 'The replication configuration was not found'),
      GetObjectLockConfiguration: notConfigured('ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket'),
      PutObject: (input, call) => objects.putObject(ctx, input, call),
      GetObject: (input) => objects.getObject(ctx, input),
      HeadObject: (input) => objects.headObject(ctx, input),
      DeleteObject: (input, call) => objects.deleteObject(ctx, input, call),
      DeleteObjects: (input, call) => objects.deleteObjects(ctx, input, call),
      CopyObject: (input, call) => objects.copyObject(ctx, input, call),
      GetObjectTagging: (input) => objects.getObjectTagging(ctx, input),
      PutObjectTagging: (input) => objects.putObjectTagging(ctx, input),
      DeleteObjectTagging: (input) => objects.deleteObjectTagging(ctx, input),
      ListObjects: (input) => listings.listObjects(ctx, input),
      ListObjectsV2: (input) => listings.listObjectsV2(ctx, input),
      ListObjectVersions: (input) => listings.listObjectVersions(ctx, input),
      CreateMultipartUpload: (input) => multipart.createMultipartUpload(ctx, input),
      UploadPart: (input) => multipart.uploadPart(ctx, input),
      UploadPartCopy: (input) => multipart.uploadPartCopy(ctx, input),
      ListParts: (input) => multipart.listParts(ctx, input),
      ListMultipartUploads: (input) => multipart.listMultipartUploads(ctx, input),
      CompleteMultipartUpload: (input, call) => multipart.completeMultipartUpload(ctx, input, call),
      AbortMultipartUpload: (input) => multipart.abortMultipartUpload(ctx, input),
    },
  }),
  hostControllers: (ctx, signal) => (ctx.objects ? [lifecycleController(ctx, signal)] : []),
  authorization: s3Rules,
};
