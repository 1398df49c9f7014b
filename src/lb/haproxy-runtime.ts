// HAProxy's runtime API (the stats socket at admin level): one connection per batch of commands, which
// HAProxy runs in order (`;`-separated) before it answers.
import { connect } from 'node:net';

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
