import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discoverPollEndpoint } from './discover-poll-endpoint.js';
import { fixture } from './fixtures.js';

test('agents are sent to the control plane for everything', async () => {
  const { ctx } = await fixture();
  assert.deepEqual(await discoverPollEndpoint(ctx, { cluster: 'default' }), {
    endpoint: ctx.endpoint,
    telemetryEndpoint: ctx.endpoint,
    serviceConnectEndpoint: ctx.endpoint,
  });
});
