import type { CapacityProvider, DescribeCapacityProvidersRequest, DescribeCapacityProvidersResponse, Failure } from '@aws-sdk/client-ecs';
import { arn } from '../../core/arn.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { viewOf } from './capacity-providers.js';
import { FARGATE_CAPACITY_PROVIDERS } from './fargate.js';
import { resolveCluster } from './lookups.js';
import { paginate } from './pagination.js';

/** "Up to 100 capacity providers can be described in an action"; pages of at most 10. */
const MAX_NAMES = 100;
const MAX_PAGE_SIZE = 10;

/**
 * The capacity providers of the account: ECS's own FARGATE and FARGATE_SPOT, which every account has and
 * which cannot be created, updated or deleted, then those made from Auto Scaling groups. With `cluster`,
 * only those the cluster has (PutClusterCapacityProviders).
 */
export async function describeCapacityProviders(ctx: ControlContext, input: DescribeCapacityProvidersRequest): Promise<DescribeCapacityProvidersResponse> {
  if ((input.capacityProviders?.length ?? 0) > MAX_NAMES) throw new InvalidParameterException(`capacityProviders can have at most ${MAX_NAMES} items.`);
  const ofCluster = input.cluster === undefined ? undefined : resolveCluster(ctx, input.cluster).capacityProviders ?? [];
  const withTags = input.include?.includes('TAGS') ?? false;
  const providerArn = (name: string) => arn(ctx.partition, 'ecs', `capacity-provider/${name}`);
  const describe = (name: string): CapacityProvider => {
    const record = ctx.state.get('capacityProvider', name);
    if (record) {
      const { tags, ...provider } = viewOf(record);
      return { ...provider, ...(withTags && { tags }) };
    }
    return { capacityProviderArn: providerArn(name), name, status: 'ACTIVE', type: name as CapacityProvider['type'], ...(withTags && { tags: [] }) };
  };
  const failures: Failure[] = [];
  const all = [...FARGATE_CAPACITY_PROVIDERS, ...[...ctx.state.all('capacityProvider')].map((p) => p.name).sort()];
  let names = all.filter((name) => !ofCluster || ofCluster.includes(name));
  if (input.capacityProviders?.length) {
    const asked = input.capacityProviders.map((ref) => (ref.startsWith('arn:') ? ref : providerArn(ref)));
    for (const a of new Set(asked)) if (!names.some((name) => providerArn(name) === a)) failures.push({ arn: a, reason: 'MISSING' });
    names = names.filter((name) => asked.includes(providerArn(name)));
  }
  const page = paginate(names, (name) => name, input, { maxPageSize: MAX_PAGE_SIZE });
  return { capacityProviders: page.items.map(describe), failures, ...(page.nextToken && { nextToken: page.nextToken }) };
}
