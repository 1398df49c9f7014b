import type { CreateTrustStoreInput, CreateTrustStoreOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { trustStoreArn, type TrustStoreRecord } from '../../core/elbv2.js';
import { DuplicateTrustStoreName, TooManyTrustStores } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { elbId, validateName } from './lookups.js';
import { validateTags } from './tags.js';
import { describeTrustStore, readCaBundle } from './trust-stores.js';

/** ELBv2's default quota of trust stores per account (and region). */
const MAX_TRUST_STORES = 20;

/** Creates a trust store from a CA bundle in S3; it is ACTIVE at once (nothing to provision). */
export async function createTrustStore(ctx: ControlContext, input: CreateTrustStoreInput): Promise<CreateTrustStoreOutput> {
  const name = input.Name!;
  validateName('Trust store', name);
  const tags = input.Tags ?? [];
  validateTags(tags);
  const bundle = await readCaBundle(ctx, input);
  const record = await ctx.state.mutate((tx) => {
    const all = [...ctx.state.all('trustStore')];
    if (all.some((t) => t.Name === name)) throw new DuplicateTrustStoreName(`A trust store with the name '${name}' already exists`);
    if (all.length >= MAX_TRUST_STORES) throw new TooManyTrustStores(`You can have at most ${MAX_TRUST_STORES} trust stores`);
    const arn = trustStoreArn(ctx.partition, name, elbId(ctx.ids));
    const fresh: TrustStoreRecord = {
      TrustStoreArn: arn,
      Name: name,
      Status: 'ACTIVE',
      NumberOfCaCertificates: bundle.count,
      TotalRevokedEntries: 0,
      caCertificates: bundle.pem,
      revocations: [],
      tags,
    };
    return tx.put('trustStore', arn, fresh);
  });
  ctx.log.info('trust store created', { trustStoreArn: record.TrustStoreArn, caCertificates: record.NumberOfCaCertificates });
  return { TrustStores: [describeTrustStore(record)] };
}
