// README.md's benchmark table, written from what the benchmarks measured (`npm run bench -- --readme`): each
// benchmark returns its rows as plain data, and this module turns them into markdown between two markers.
// Pure: rows and run descriptions in, text out; the I/O (the clock, the machine, the file) is run.ts's.
//
// The region between the markers holds the line saying when, where and at what load the rows were measured,
// the table, and (in a comment) which run each benchmark's rows come from, so that a run of one benchmark
// replaces its rows and keeps the others with the run they came from. Each row's first cell ends with the
// benchmark's name in backticks, which is also how a user finds the command that measures it again.

/** One row of the table; the columns keep the table's meaning. */
export interface ReadmeRow {
  /** What is measured (the benchmark's name is added after it). */
  benchmark: string;
  /** Wharf's figure. */
  wharf: string;
  /** The peer's figure, and who the peer is; empty when there is no peer. */
  peer: string;
  /** Wharf against the peer; empty when there is none. */
  ratio: string;
  goal: string;
}

/** What one benchmark gave in a run: its rows, or why it has none. */
export type Outcome = { name: string; rows: ReadmeRow[] } | { name: string; failed: string } | { name: string; skipped: string };

/** A run of benchmarks, as the line above the table describes it. */
export interface Run {
  /** When, e.g. "2026-12-06 06:40 UTC". */
  when: string;
  /** What machine, e.g. "2 cores, 7.8 GiB". */
  machine: string;
  /** The load average's range over the run, e.g. "1.2-3.4"; empty when not known. */
  load: string;
  /** The benchmarks whose rows come from this run. */
  benchmarks: string[];
}

export const BEGIN = '<!-- bench-table: written by `npm run bench -- --readme` up to the end marker; edits here are overwritten -->';
export const END = '<!-- bench-table: end -->';
const RUNS = /^<!-- bench-runs (.*) -->$/;
const HEADER = ['| benchmark | Wharf | peer | ratio | goal |', '|---|---|---|---|---|'];
/** The benchmark's name at the end of a row's first cell: "what is measured (`name`)". */
const NAMED = /\(`([\w-]+)`\)$/;

/** The table as it stands in a README: each benchmark's rows (as markdown lines) and the runs they came from. */
export interface Table {
  rows: Map<string, string[]>;
  runs: Run[];
}

/** Reads the table between the markers; an empty table when there are none. Rows naming no benchmark are dropped. */
export function readTable(readme: string): Table {
  const table: Table = { rows: new Map(), runs: [] };
  const region = between(readme);
  if (!region) return table;
  for (const line of readme.slice(region.from, region.to).split('\n')) {
    const runs = RUNS.exec(line);
    if (runs) table.runs = JSON.parse(runs[1]!) as Run[];
    const name = line.startsWith('| ') && !HEADER.includes(line) ? NAMED.exec(cells(line)[0] ?? '')?.[1] : undefined;
    if (name) table.rows.set(name, [...(table.rows.get(name) ?? []), line]);
  }
  return table;
}

/**
 * The table after a run: the run's benchmarks get their new rows (or a row saying why they have none), the
 * others keep theirs and the run they came from. `order` is every benchmark's name, in the table's order;
 * rows of a benchmark no longer in it are left out.
 */
export function updateTable(previous: Table, run: Omit<Run, 'benchmarks'>, outcomes: Outcome[], order: string[]): Table {
  const measured = new Set(outcomes.map((o) => o.name));
  const rows = new Map<string, string[]>();
  for (const name of order) {
    const outcome = outcomes.find((o) => o.name === name);
    const lines = outcome ? outcomeRows(outcome).map((row) => rowLine(name, row)) : previous.rows.get(name);
    if (lines?.length) rows.set(name, lines);
  }
  const runs = [
    { ...run, benchmarks: order.filter((name) => measured.has(name)) },
    ...previous.runs.map((r) => ({ ...r, benchmarks: r.benchmarks.filter((name) => !measured.has(name) && rows.has(name)) })),
  ].filter((r) => r.benchmarks.length > 0);
  return { rows, runs };
}

/** The markdown of the whole region, markers included. */
export function renderTable(table: Table): string {
  return [
    BEGIN,
    `<!-- bench-runs ${JSON.stringify(table.runs).replaceAll('-->', '--\\u003e')} -->`,
    measuredLine(table.runs),
    '',
    ...HEADER,
    ...[...table.rows.values()].flat(),
    END,
  ].join('\n');
}

/** The README with the region between its markers replaced by `region` (from renderTable). */
export function replaceTable(readme: string, region: string): string {
  const existing = between(readme);
  if (!existing) throw new Error(`README.md has no benchmark table markers (${BEGIN} ... ${END})`);
  return readme.slice(0, existing.from) + region + readme.slice(existing.to);
}

function outcomeRows(outcome: Outcome): ReadmeRow[] {
  if ('rows' in outcome) return outcome.rows;
  const why = 'failed' in outcome ? `failed: ${outcome.failed}` : `skipped: ${outcome.skipped}`;
  return [{ benchmark: 'not measured in this run', wharf: why, peer: '', ratio: '', goal: '' }];
}

function rowLine(name: string, row: ReadmeRow): string {
  const cell = (text: string) => text.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');
  return `| ${cell(row.benchmark)} (\`${name}\`) | ${[row.wharf, row.peer, row.ratio, row.goal].map(cell).join(' | ')} |`;
}

function measuredLine(runs: Run[]): string {
  const said = (r: Run) => `${r.when}, on ${r.machine}${r.load ? `, load average ${r.load} over the run` : ''}`;
  if (runs.length === 0) return 'Not measured yet.';
  if (runs.length === 1) return `Measured ${said(runs[0]!)}:`;
  return `Measured ${runs.map((r) => `${said(r)} (${r.benchmarks.map((name) => `\`${name}\``).join(', ')})`).join('; ')}:`;
}

/** A table line's cells, unescaped pipes as separators. */
function cells(line: string): string[] {
  return line.slice(2, -2).split(/ (?<!\\)\| /).map((c) => c.trim());
}

function between(readme: string): { from: number; to: number } | undefined {
  const from = readme.indexOf(BEGIN);
  const end = readme.indexOf(END, from);
  return from < 0 || end < 0 ? undefined : { from, to: end + END.length };
}

/** Figures as the table writes them. */
export const fmt = {
  /** 1234.5 -> "1,235" (to `digits` decimals under 10, when given). */
  n: (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 10 ? digits : 0 }),
  /** A ratio: 0.934 -> "0.93x". */
  x: (value: number, digits = 2) => `${value.toFixed(digits)}x`,
  /** Milliseconds: 481.2 -> "481 ms", 7.62 -> "7.6 ms". */
  ms: (value: number) => (value < 10 ? `${value.toFixed(1)} ms` : `${fmt.n(value)} ms`),
  s: (seconds: number) => `${seconds.toFixed(1)} s`,
};
