// Event pattern matching: events per second matched against 1,000 rules (10,000 distinct events, the
// rules a mix of what users write: source and detail-type, prefixes, numeric ranges, anything-but, exists,
// wildcards, $or, some with no source), by Wharf's compiled patterns behind their source index, by the same
// patterns without the index (every rule tried), and by moto's EventPattern (its server's matcher, run in
// process: moto tries every rule against every event) on the same rules and events in the same run. Both
// sides count their matches over the events they processed, so the agreement is printed as well.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileEventPattern, EventPatternIndex } from '../src/core/event-pattern.js';
import { exec, requireTools, table, tempDir } from './lib.js';
import type { ReadmeRow } from './readme-table.js';

const RULES = 1_000;
const EVENTS = 10_000;
const SECONDS = 3;
const SOURCES = Array.from({ length: 50 }, (_, i) => `com.example.app${i}`);
const TYPES = ['Order Placed', 'Order Shipped', 'Payment Failed', 'Object Created', 'Task State Change'];
const STATES = ['PENDING', 'RUNNING', 'STOPPED', 'FAILED'];

/** A deterministic generator, so both sides see the same rules and events every run. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function rules(): object[] {
  const r = random(1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  return Array.from({ length: RULES }, (_, i) => {
    const detail: Record<string, unknown> = {};
    switch (i % 6) {
      case 0: detail.state = [pick(STATES)]; break;
      case 1: detail.amount = [{ numeric: ['>', Math.floor(r() * 500), '<=', 1000] }]; break;
      case 2: detail.key = [{ prefix: `uploads/${Math.floor(r() * 10)}` }]; break;
      case 3: detail.state = [{ 'anything-but': ['FAILED', 'STOPPED'] }]; detail.region = [{ exists: true }]; break;
      case 4: detail.key = [{ wildcard: `uploads/*/${Math.floor(r() * 10)}*.csv` }]; break;
      default: detail.$or = [{ state: [pick(STATES)] }, { amount: [{ numeric: ['>=', 900] }] }];
    }
    // One rule in twenty filters on content alone, whatever the source.
    return i % 20 === 19 ? { 'detail-type': [pick(TYPES)], detail } : { source: [pick(SOURCES)], 'detail-type': [pick(TYPES)], detail };
  });
}

function events(): object[] {
  const r = random(2);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  return Array.from({ length: EVENTS }, (_, i) => ({
    version: '0',
    id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    'detail-type': pick(TYPES),
    source: pick(SOURCES),
    account: '123456789012',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::bucket-${i % 7}`],
    detail: { state: pick(STATES), amount: Math.floor(r() * 1000), key: `uploads/${Math.floor(r() * 10)}/${Math.floor(r() * 100)}.csv`, region: 'us-east-1', nested: { a: [1, 2, 3] } },
  }));
}

/** Events per second and matches per event over as many passes as fit in SECONDS (after one warm-up pass). */
function measure(match: (event: object) => number, all: object[]): { perSecond: number; matches: number } {
  let matches = 0;
  for (const event of all) matches += match(event);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) for (const event of all) (match(event), count++);
  return { perSecond: count / ((performance.now() - started) / 1000), matches };
}

const MOTO = `
import json, sys, time
from moto.events.models import EventPattern
rules, events = json.load(open(sys.argv[1]))
patterns = [EventPattern.load(json.dumps(r)) for r in rules]
matches = 0
done = 0
started = time.perf_counter()
for event in events:
    matches += sum(1 for p in patterns if p.matches_event(event))
    done += 1
    if time.perf_counter() - started > float(sys.argv[2]):
        break
print(json.dumps({"events": done, "seconds": time.perf_counter() - started, "matches": matches}))
`;

interface Row {
  matcher: string;
  'events/s (1,000 rules)': number;
  'rule matches/event': string;
  'vs moto': string;
}

export async function eventPatternsBenchmark(): Promise<ReadmeRow[]> {
  requireTools({ python3: 'Debian python3', moto_server: 'pip install "moto[server]"' });
  console.log(`\nEvent patterns: ${EVENTS.toLocaleString('en-US')} events matched against ${RULES.toLocaleString('en-US')} rules (events/s)`);
  const ruleList = rules();
  const eventList = events();
  const compiled = ruleList.map((r) => compileEventPattern(JSON.stringify(r)));
  const index = new EventPatternIndex<number>();
  compiled.forEach((pattern, i) => index.add(i, pattern));
  const indexed = measure((event) => index.match(event).length, eventList);
  const every = measure((event) => compiled.reduce((n, p) => n + (p.matches(event) ? 1 : 0), 0), eventList);

  const dir = tempDir('wharf-bench-patterns-');
  const input = join(dir, 'input.json');
  const script = join(dir, 'moto_patterns.py');
  writeFileSync(input, JSON.stringify([ruleList, eventList]));
  writeFileSync(script, MOTO);
  const moto = JSON.parse(await exec('python3', [script, input, String(SECONDS * 3)])) as { events: number; seconds: number; matches: number };
  const motoPerSecond = moto.events / moto.seconds;
  // The same events on Wharf's side, to compare the match counts.
  const wharfMatches = eventList.slice(0, moto.events).reduce((n, e) => n + index.match(e).length, 0);

  const perEvent = (m: number, n: number) => (m / n).toFixed(2);
  const rows: Row[] = [
    { matcher: 'Wharf (compiled, source index)', 'events/s (1,000 rules)': Math.round(indexed.perSecond), 'rule matches/event': perEvent(indexed.matches, EVENTS), 'vs moto': `${(indexed.perSecond / motoPerSecond).toFixed(0)}x` },
    { matcher: 'Wharf (compiled, every rule tried)', 'events/s (1,000 rules)': Math.round(every.perSecond), 'rule matches/event': perEvent(every.matches, EVENTS), 'vs moto': `${(every.perSecond / motoPerSecond).toFixed(0)}x` },
    { matcher: `moto ${await exec('python3', ['-c', 'import moto; print(moto.__version__)']).then((v) => v.trim())} EventPattern`, 'events/s (1,000 rules)': Math.round(motoPerSecond), 'rule matches/event': perEvent(moto.matches, moto.events), 'vs moto': '1x' },
  ];
  table(rows as unknown as Record<string, string | number>[]);
  console.log(`over moto's ${moto.events.toLocaleString('en-US')} events: ${moto.matches} rule matches by moto, ${wharfMatches} by Wharf`);
  return [{
    benchmark: `EventBridge pattern matching, ${EVENTS.toLocaleString('en-US')} events against ${RULES.toLocaleString('en-US')} rules (source index / every rule tried)`,
    wharf: `${Math.round(indexed.perSecond).toLocaleString('en-US')} / ${Math.round(every.perSecond).toLocaleString('en-US')} events/s`,
    peer: `moto's EventPattern: ${Math.round(motoPerSecond).toLocaleString('en-US')} events/s${moto.matches === wharfMatches ? '' : ` (matches differ: moto ${moto.matches}, Wharf ${wharfMatches})`}`,
    ratio: `${rows[0]!['vs moto']} / ${rows[1]!['vs moto']}`,
    goal: '',
  }];
}

if (import.meta.url === `file://${process.argv[1]}`) await eventPatternsBenchmark();
