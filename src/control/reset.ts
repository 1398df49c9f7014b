// POST /_wharf/reset, for test suites: every task stops (agents converge on an empty assignment) and all
// state is wiped, in every region, except what keeps Wharf usable at once: each region's `default` cluster
// with the container instances registered to it, and the instance profile and role their agents run as
// (`ecsInstanceRole`), so those agents stay connected.
import { clusterArn } from '../core/arn.js';
import type { ClusterRecord } from '../core/ecs.js';
import type { ControlContext } from './context.js';
import { ECS_INSTANCE_ROLE } from './iam/instance-join.js';
import { inRegion } from './regions.js';

export async function resetState(ctx: ControlContext): Promise<void> {
  for (const region of new Set([ctx.partition.region, ...ctx.state.regions()])) await resetRegion(inRegion(ctx, region));
}

/** Wipes the region's records and the global ones (each region's view sees those too). */
async function resetRegion(ctx: ControlContext): Promise<void> {
  const defaultCluster = clusterArn(ctx.partition, 'default');
  await ctx.state.mutate((tx) => {
    let kept = false;
    for (const kind of ctx.state.kinds()) {
      for (const [id, record] of ctx.state.entries(kind)) {
        const keep = kind === 'containerInstance' && (record as { clusterArn: string }).clusterArn === defaultCluster;
        kept ||= keep;
        // A recreated role has a new RoleId, which ends every session of the old one: the agents' too.
        if ((kind === 'iamRole' || kind === 'iamInstanceProfile') && id === ECS_INSTANCE_ROLE) continue;
        if (!keep) tx.delete(kind, id);
      }
    }
    if (!kept && ctx.state.get('cluster', defaultCluster) === undefined) return;
    const fresh: ClusterRecord = {
      clusterArn: defaultCluster,
      clusterName: 'default',
      status: 'ACTIVE',
      tags: [],
      settings: [{ name: 'containerInsights', value: 'disabled' }],
    };
    tx.put('cluster', defaultCluster, fresh);
  });
}
