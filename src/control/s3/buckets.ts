// Buckets: CreateBucket (its region's location constraint as S3 checks it), DeleteBucket (empty ones only),
// HeadBucket, ListBuckets, GetBucketLocation. Bucket names are one namespace over every region and account,
// as on AWS: the records are global, each carrying its region and owner.
import type { CallContext } from '../../core/caller.js';
import { NoSuchBucket, BucketAlreadyExists, BucketAlreadyOwnedByYou, BucketNotEmpty, IllegalLocationConstraintException, InvalidLocationConstraint } from '../../core/s3-errors.js';
import { checkBucketName, type BucketRecord, type ObjectStore } from '../../core/s3.js';
import type { ControlContext } from '../context.js';

/** The store of S3's objects: the composition root gives one where S3 is served. */
export function objectStore(ctx: ControlContext): ObjectStore {
  if (!ctx.objects) throw new Error('S3 is served without an object store');
  return ctx.objects;
}

/** The bucket a call names; NoSuchBucket if there is none. */
export function resolveBucket(ctx: ControlContext, name: string): BucketRecord {
  const bucket = ctx.state.get('bucket', name);
  if (!bucket) throw new NoSuchBucket(name);
  return bucket;
}

export const owner = (accountId: string) => ({ ID: accountId, DisplayName: accountId });

export async function createBucket(ctx: ControlContext, input: { Bucket: string; CreateBucketConfiguration?: { LocationConstraint?: string }; ObjectOwnership?: string }, call: CallContext) {
  const name = input.Bucket;
  checkBucketName(name);
  const region = call.region;
  const constraint = input.CreateBucketConfiguration?.LocationConstraint || undefined;
  // us-east-1 takes no constraint (S3's legacy `EU` aside); every other region only its own.
  if (constraint !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(constraint) && constraint !== 'EU') throw new InvalidLocationConstraint(constraint);
  if (region === 'us-east-1' ? constraint !== undefined : constraint !== region)
    throw new IllegalLocationConstraintException(undefined, `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`);
  const created = await ctx.state.mutate((tx) => {
    const existing = tx.get('bucket', name);
    if (existing) {
      if (existing.accountId !== call.caller.accountId) throw new BucketAlreadyExists(name);
      // us-east-1 answers a repeated create of one's own bucket with success, as S3 does for legacy reasons.
      if (region !== 'us-east-1' || existing.region !== 'us-east-1') throw new BucketAlreadyOwnedByYou(name);
      return false;
    }
    tx.put('bucket', name, {
      Name: name,
      region: constraint === 'EU' ? 'eu-west-1' : region,
      CreationDate: ctx.clock.now(),
      accountId: call.caller.accountId,
      ObjectOwnership: input.ObjectOwnership ?? 'BucketOwnerEnforced',
    });
    return true;
  });
  if (created) ctx.log.info('bucket created', { bucket: name, region });
  return { Location: region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/`, BucketArn: `arn:aws:s3:::${name}` };
}

export async function deleteBucket(ctx: ControlContext, input: { Bucket: string }) {
  resolveBucket(ctx, input.Bucket);
  if (!objectStore(ctx).isEmpty(input.Bucket)) throw new BucketNotEmpty(input.Bucket);
  await ctx.state.mutate((tx) => {
    if (!tx.get('bucket', input.Bucket)) throw new NoSuchBucket(input.Bucket);
    tx.delete('bucket', input.Bucket);
  });
  ctx.log.info('bucket deleted', { bucket: input.Bucket });
  return {};
}

export function headBucket(ctx: ControlContext, input: { Bucket: string }) {
  const bucket = resolveBucket(ctx, input.Bucket);
  return { BucketRegion: bucket.region, AccessPointAlias: false, BucketArn: `arn:aws:s3:::${bucket.Name}` };
}

export function listBuckets(ctx: ControlContext, input: { Prefix?: string; BucketRegion?: string; MaxBuckets?: number; ContinuationToken?: string }, call: CallContext) {
  const buckets = [...ctx.state.all('bucket')]
    .filter((bucket) => bucket.accountId === call.caller.accountId)
    .filter((bucket) => bucket.Name.startsWith(input.Prefix ?? '') && (!input.BucketRegion || bucket.region === input.BucketRegion))
    .filter((bucket) => !input.ContinuationToken || bucket.Name > input.ContinuationToken)
    .sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const max = input.MaxBuckets ?? 10_000;
  const page = buckets.slice(0, max);
  return {
    Buckets: page.map((bucket) => ({ Name: bucket.Name, CreationDate: bucket.CreationDate, BucketRegion: bucket.region, BucketArn: `arn:aws:s3:::${bucket.Name}` })),
    Owner: owner(call.caller.accountId),
    Prefix: input.Prefix,
    ContinuationToken: buckets.length > max ? page.at(-1)!.Name : undefined,
  };
}

export function getBucketLocation(ctx: ControlContext, input: { Bucket: string }) {
  const { region } = resolveBucket(ctx, input.Bucket);
  // us-east-1 buckets have no location constraint: an empty element.
  return { LocationConstraint: region === 'us-east-1' ? undefined : region };
}
