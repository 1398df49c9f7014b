import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerUsage } from './container-metrics.js';

const stats = (read: string, totalNs: number, extra: Record<string, unknown> = {}) => ({
  read,
  cpu_stats: { cpu_usage: { total_usage: totalNs }, system_cpu_usage: 8e12, online_cpus: 4 },
  precpu_stats: { cpu_usage: { total_usage: totalNs - 5e8 }, system_cpu_usage: 8e12 - 4e9 },
  memory_stats: { usage: 60 * 1024 * 1024, stats: { inactive_file: 10 * 1024 * 1024 } },
  networks: { eth0: { rx_bytes: 100, tx_bytes: 50 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
  blkio_stats: { io_service_bytes_recursive: [{ op: 'read', value: 4096 }, { op: 'write', value: 8192 }, { op: 'Read', value: 4 }] },
  ...extra,
});

test('the first sample takes CPU from the engine pre-sample; later ones average since the previous', () => {
  // 0.5 s of CPU over 4 s of all 4 CPUs' time (1 s of wall clock): half a CPU, 512 units.
  const first = containerUsage(stats('2026-12-05T18:00:00Z', 10e9), undefined, 0);
  assert.equal(first.usage.cpuUnits, 512);
  assert.equal(first.usage.memoryBytes, 50 * 1024 * 1024);
  assert.deepEqual([first.usage.networkRxBytes, first.usage.networkTxBytes, first.usage.storageReadBytes, first.usage.storageWriteBytes], [101, 52, 4100, 8192]);
  // 20 s of CPU in 10 s: two CPUs busy.
  const second = containerUsage(stats('2026-12-05T18:00:10Z', 30e9), first.mark, 0);
  assert.equal(second.usage.cpuUnits, 2048);
  assert.equal(second.usage.timestamp, '2026-12-05T18:00:10.000Z');
});

test('an empty document (hollow engines) is all zeros at the given time', () => {
  const { usage } = containerUsage({}, undefined, Date.parse('2026-12-05T18:00:00Z'));
  assert.deepEqual(usage, { timestamp: '2026-12-05T18:00:00.000Z', cpuUnits: 0, memoryBytes: 0, networkRxBytes: 0, networkTxBytes: 0, storageReadBytes: 0, storageWriteBytes: 0 });
});
