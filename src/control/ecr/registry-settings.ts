// The registry's own settings: replication configuration, stored and described (Wharf is one region's
// registry per region; replication is kept as configured, not performed).
import { InvalidParameterException } from '../../core/ecr-errors.js';
import type { EcrRegistryRecord } from '../../core/ecr.js';
import type { ControlContext } from '../context.js';

const EMPTY: EcrRegistryRecord = { replicationConfiguration: { rules: [] } };

export function describeRegistry(ctx: ControlContext) {
  const record = ctx.state.get('ecrRegistry', 'registry') ?? EMPTY;
  return { registryId: ctx.partition.accountId, replicationConfiguration: record.replicationConfiguration };
}

export async function putReplicationConfiguration(ctx: ControlContext, input: { replicationConfiguration: EcrRegistryRecord['replicationConfiguration'] }) {
  const config = input.replicationConfiguration;
  if (config.rules.length > 10) throw new InvalidParameterException('Invalid parameter at \'rules\': at most 10 replication rules');
  if (config.rules.some((r) => r.destinations.some((d) => d.region === ctx.partition.region && d.registryId === ctx.partition.accountId)))
    throw new InvalidParameterException('Invalid parameter: a replication destination may not be the source registry\'s own region');
  await ctx.state.mutate((tx) => tx.put('ecrRegistry', 'registry', { replicationConfiguration: config }));
  return { replicationConfiguration: config };
}
