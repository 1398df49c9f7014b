import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEGIN, END, fmt, readTable, renderTable, replaceTable, updateTable, type ReadmeRow } from './readme-table.js';

const ORDER = ['task-start', 'placement', 'lb'];
const run = { when: '2026-12-06 06:40 UTC', machine: '2 cores, 7.8 GiB', load: '1.2-3.4' };
const start: ReadmeRow = { benchmark: 'task start, RunTask -> RUNNING, p50 / p95', wharf: '481 / 591 ms', peer: '`docker run -d`: 519 / 630 ms', ratio: '0.93x / 0.94x', goal: '<= 1.0x' };
const placement: ReadmeRow = { benchmark: 'placement over 5,000 instances, binpack | spread', wharf: '300k / 132k per s', peer: "Nomad's published 3,750/s", ratio: '80x / 35x', goal: '20,000/s' };
const readme = (region: string) => `# Wharf\n\n## Benchmarks\nSome prose.\n\n${region}\n\n## After\ntext\n`;
const empty = readme(`${BEGIN}\n${END}`);

test('a run writes its rows, named, under a line saying when, where and at what load', () => {
  const table = updateTable(readTable(empty), run, [{ name: 'task-start', rows: [start] }, { name: 'placement', rows: [placement] }], ORDER);
  const text = replaceTable(empty, renderTable(table));
  assert.ok(text.startsWith('# Wharf\n\n## Benchmarks\nSome prose.\n\n<!-- bench-table:'));
  assert.ok(text.endsWith(`${END}\n\n## After\ntext\n`));
  const lines = text.split('\n');
  assert.ok(lines.includes('Measured 2026-12-06 06:40 UTC, on 2 cores, 7.8 GiB, load average 1.2-3.4 over the run:'));
  assert.ok(lines.includes('| benchmark | Wharf | peer | ratio | goal |'));
  assert.ok(lines.includes('| task start, RunTask -> RUNNING, p50 / p95 (`task-start`) | 481 / 591 ms | `docker run -d`: 519 / 630 ms | 0.93x / 0.94x | <= 1.0x |'));
  // A pipe in a cell is escaped, so the row keeps its five columns.
  assert.ok(lines.includes("| placement over 5,000 instances, binpack \\| spread (`placement`) | 300k / 132k per s | Nomad's published 3,750/s | 80x / 35x | 20,000/s |"));
});

test('a run of one benchmark replaces its rows and keeps the others with the run they came from', () => {
  const first = replaceTable(empty, renderTable(updateTable(readTable(empty), run, [{ name: 'task-start', rows: [start] }, { name: 'placement', rows: [placement] }], ORDER)));
  const later = { when: '2026-12-07 08:00 UTC', machine: '2 cores, 7.8 GiB', load: '0.2-0.5' };
  const faster = { ...placement, wharf: '400k / 150k per s' };
  const second = replaceTable(first, renderTable(updateTable(readTable(first), later, [{ name: 'placement', rows: [faster, faster] }], ORDER)));
  const table = readTable(second);
  assert.deepEqual([...table.rows.keys()], ['task-start', 'placement']);
  assert.equal(table.rows.get('placement')!.length, 2);
  assert.ok(table.rows.get('placement')![0]!.includes('400k / 150k per s'));
  assert.deepEqual(table.rows.get('task-start'), readTable(first).rows.get('task-start'));
  assert.deepEqual(table.runs, [{ ...later, benchmarks: ['placement'] }, { ...run, benchmarks: ['task-start'] }]);
  assert.ok(second.includes('Measured 2026-12-07 08:00 UTC, on 2 cores, 7.8 GiB, load average 0.2-0.5 over the run (`placement`); 2026-12-06 06:40 UTC, on 2 cores, 7.8 GiB, load average 1.2-3.4 over the run (`task-start`):'));
  // Rewriting with nothing new leaves the text as it was.
  assert.equal(replaceTable(second, renderTable(readTable(second))), second);
});

test('a benchmark that failed or was skipped gets a row saying why, in the table order', () => {
  const table = updateTable(readTable(empty), run, [{ name: 'lb', skipped: 'missing: wrk (apt-get install wrk)' }, { name: 'task-start', failed: 'RunTask failed: []' }], ORDER);
  const text = renderTable(table);
  assert.ok(text.includes('| not measured in this run (`task-start`) | failed: RunTask failed: [] |  |  |  |\n| not measured in this run (`lb`) | skipped: missing: wrk (apt-get install wrk) |'));
});

test('rows of a benchmark no longer registered, and runs left with no rows, are dropped', () => {
  const first = replaceTable(empty, renderTable(updateTable(readTable(empty), run, [{ name: 'gone', rows: [start] }, { name: 'placement', rows: [placement] }], ['gone', 'placement'])));
  const table = updateTable(readTable(first), run, [{ name: 'placement', rows: [placement] }], ORDER);
  assert.deepEqual([...table.rows.keys()], ['placement']);
  assert.deepEqual(table.runs, [{ ...run, benchmarks: ['placement'] }]);
});

test('a README without the markers is refused, not appended to', () => {
  assert.throws(() => replaceTable('# Wharf\n', renderTable(readTable(''))), /no benchmark table markers/);
});

test('figures are written the same way in every row', () => {
  assert.equal(fmt.n(2363.4), '2,363');
  assert.equal(fmt.n(7.62, 1), '7.6');
  assert.equal(fmt.x(0.934), '0.93x');
  assert.equal(fmt.ms(7.62), '7.6 ms');
  assert.equal(fmt.ms(1834.2), '1,834 ms');
  assert.equal(fmt.s(11.42), '11.4 s');
});
