// A control-plane world for CloudWatch's unit tests: the ECS fixture's (in-memory state, manual clock) with
// an in-memory metric store.
import { SqliteMetricStore } from '../../store/sqlite/metric-store.js';
import { fixture, type Fixture } from '../ecs/fixtures.js';

export async function cloudwatchFixture(): Promise<Fixture> {
  const f = await fixture();
  f.ctx.metrics = new SqliteMetricStore(':memory:');
  return f;
}
