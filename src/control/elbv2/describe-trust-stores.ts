import type { DescribeTrustStoresInput, DescribeTrustStoresOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TrustStoreNotFound } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { page } from './lookups.js';
import { describeTrustStore, resolveTrustStore } from './trust-stores.js';

export function describeTrustStores(ctx: ControlContext, input: DescribeTrustStoresInput): DescribeTrustStoresOutput {
  const { TrustStoreArns: arns, Names: names } = input;
  if (arns?.length && names?.length) throw new ValidationError('Trust store names and trust store ARNs cannot be specified at the same time');
  let found = [...ctx.state.all('trustStore')];
  if (arns?.length) found = arns.map((arn) => resolveTrustStore(ctx.state, arn));
  else if (names?.length) {
    const missing = names.filter((n) => !found.some((t) => t.Name === n));
    if (missing.length) throw new TrustStoreNotFound(`Trust stores '[${missing.join(', ')}]' not found`);
    found = found.filter((t) => names.includes(t.Name));
  }
  const { items, NextMarker } = page(found, (t) => t.TrustStoreArn, input);
  return { TrustStores: items.map(describeTrustStore), ...(NextMarker && { NextMarker }) };
}
