// POST /_wharf/reset, for test suites: every task stops (agents converge on an empty assignment) and all
// state is wiped, except what keeps Wharf usable at once: the `default` cluster and the container instances
// registered to it, whose agents stay connected.
import { clusterArn } from '../core/arn.js';
import type { ClusterRecord } from '../core/ecs.js';
import type { ControlContext } from './context.js';

export async function resetState(ctx: ControlContext): Promise<void> {
  const defaultCluster = clusterArn(ctx.partition, 'default');
  await ctx.state.mutate((tx) => {
    for (const kind of ctx.state.kinds()) {
      for (const [id, record] of ctx.state.entries(kind)) {
        const keep = kind === 'containerInstance' && (record as { clusterArn: string }).clusterArn === defaultCluster;
        if (!keep) tx.delete(kind, id);
      }
    }
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
