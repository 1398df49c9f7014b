import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busQueue } from './bus-queue.js';
import { publishEvents } from './publish.js';
import type { ControlContext } from '../context.js';

const ctx = (region: string) =>
  ({ state: {}, ids: { id: () => '0123456789abcdef0123456789abcdef' }, clock: { now: () => new Date('2026-01-02T03:04:05.678Z') }, partition: { region, accountId: '123456789012' } }) as unknown as ControlContext;

test('publishEvents puts AWS-shaped events on the region default bus', () => {
  const c = ctx('eu-west-1');
  const [event] = publishEvents(c, [{ source: 'aws.s3', 'detail-type': 'Object Created', resources: ['arn:aws:s3:::b'], detail: { bucket: { name: 'b' } } }]);
  assert.deepEqual(event, {
    version: '0',
    id: '01234567-89ab-cdef-0123-456789abcdef',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-01-02T03:04:05Z',
    region: 'eu-west-1',
    resources: ['arn:aws:s3:::b'],
    detail: { bucket: { name: 'b' } },
  });
  assert.deepEqual(busQueue(c).take(), [{ eventBusName: 'default', event }]);
  assert.deepEqual(busQueue(c).take(), []);
});
