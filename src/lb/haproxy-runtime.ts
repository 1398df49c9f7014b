// HAProxy's runtime API (the stats socket at admin level): one connection per batch of commands, which
// HAProxy runs in order (`;`-separated) before it answers.
import { connect } from 'node:net';
import type { TrafficCounters } from '../core/load-balancer.js';

export function runtimeCommand(socketPath: string, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('HAProxy runtime API did not answer')));
    socket.end(`${commands.join('; ')}\n`);
  });
}

/** `show stat` as rows of named fields (its CSV header names them). */
export function parseShowStat(csv: string): Record<string, string>[] {
  const [header, ...rows] = csv.split('\n');
  if (!header?.startsWith('# ')) throw new Error(`unexpected show stat answer: ${header}`);
  const names = header.slice(2).split(',');
  return rows
    .filter((row) => row.trim() !== '')
    .map((row) => {
      const fields = row.split(',');
      return Object.fromEntries(names.map((name, i) => [name, fields[i] ?? '']));
    });
}

/** A FRONTEND or BACKEND row of `show stat` as traffic counters (req_tot, hrsp_*, stot, scur, bin, bout, rtime). */
export function trafficCounters(row: Record<string, string>): TrafficCounters {
  const n = (field: string) => Number(row[field]) || 0;
  return {
    requests: n('req_tot'),
    responses: { '2xx': n('hrsp_2xx'), '3xx': n('hrsp_3xx'), '4xx': n('hrsp_4xx'), '5xx': n('hrsp_5xx') },
    connections: n('stot'),
    activeConnections: n('scur'),
    bytesIn: n('bin'),
    bytesOut: n('bout'),
    averageResponseMs: n('rtime'),
  };
}
