// `wharf cost` and its endpoint: what the region's workload would have cost on AWS over a time range (the
// pricing itself is core/cost.ts), by cluster, service, task family or launch type, and the same workload on
// the cheapest bin-packed EC2 instance type; tasks and instances still running count up to now. Prices: data/prices-us-east-1.json, or the file WHARF_PRICES names.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { costReport, type CostDimension, type CostReport, type PriceTable } from '../core/cost.js';
import { instanceRun } from '../core/ec2-instances.js';
import { SerializationException } from '../core/errors.js';
import { openFargateUsage } from '../core/usage.js';
import { callOperator, OPERATOR_OPTIONS, operatorRoute } from './operator-endpoints.js';

export const COST_PATH = '/_wharf/cost';
const DIMENSIONS: readonly CostDimension[] = ['cluster', 'service', 'family', 'launchType'];

// The package's root, from src/cli or dist/src/cli alike.
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const DEFAULT_PRICES = join(root, 'data', 'prices-us-east-1.json');

/** The price table: `file` (or WHARF_PRICES), else the shipped us-east-1 one; checked to have what pricing reads. */
export function loadPrices(file = process.env.WHARF_PRICES ?? DEFAULT_PRICES): PriceTable {
  const table = JSON.parse(readFileSync(file, 'utf8')) as PriceTable;
  const rate = (r: unknown) => typeof r === 'object' && r !== null && typeof (r as { vcpuHour: unknown }).vcpuHour === 'number' && typeof (r as { gbHour: unknown }).gbHour === 'number';
  const f = table?.fargate;
  const fine =
    f && rate(f.x86_64) && rate(f.ARM64) && rate(f.spot?.x86_64) && rate(f.spot?.ARM64) && typeof f.ephemeralStorageGbHour === 'number' &&
    Object.values(table.ec2 ?? {}).every((t) => typeof t.vcpu === 'number' && typeof t.memoryGiB === 'number' && typeof t.hour === 'number') &&
    Object.values(table.ec2SpotDiscount ?? {}).every((d) => typeof d === 'number' && d >= 0 && d < 1);
  if (!fine) throw new Error(`${file} is not a price table (see data/prices-us-east-1.json for its shape)`);
  return table;
}

interface CostRequest {
  from?: string;
  to?: string;
  by?: CostDimension;
}

function parseRequest(body: Buffer, now: Date): { from: Date; to: Date; by: CostDimension } {
  let request: CostRequest;
  try {
    request = JSON.parse(body.toString('utf8') || '{}') as CostRequest;
  } catch {
    throw new SerializationException('The request must be {"from"?: ISO time, "to"?: ISO time, "by"?: "cluster"|"service"|"family"|"launchType"}');
  }
  const time = (value: string | undefined, fallback: Date) => {
    if (value === undefined) return fallback;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new SerializationException(`${JSON.stringify(value)} is not a time`);
    return date;
  };
  const by = request.by ?? 'service';
  if (!DIMENSIONS.includes(by)) throw new SerializationException(`by must be one of ${DIMENSIONS.join(', ')}`);
  // By default the last 30 days, as a month's bill.
  return { from: time(request.from, new Date(now.getTime() - 30 * 86_400_000)), to: time(request.to, now), by };
}

/**
 * The region's cost report over the requested range (prices are the server's): stopped tasks and ended
 * instance runs from their usage records, and those still running billed up to now (or the range's end).
 */
export const serveCost = (prices: PriceTable) =>
  operatorRoute(COST_PATH, 'read the cost report', async (ctx, body) => {
    const now = ctx.clock.now();
    const range = parseRequest(body, now);
    const until = new Date(Math.min(now.getTime(), range.to.getTime()));
    const tasks = [...ctx.state.all('task')].flatMap((t) => openFargateUsage(t, until) ?? []);
    const instances = [...ctx.state.all('instance')].flatMap((i) => (i.runningSince === undefined ? [] : [{ ...instanceRun({ ...i, runningSince: i.runningSince }, until), running: true }]));
    return costReport([...ctx.state.all('usage'), ...tasks], prices, range, [...ctx.state.all('instanceUsage'), ...instances]);
  });

/** `wharf cost [--from TIME] [--to TIME] [--by cluster|service|family|launchType] [--json]`. */
export async function costCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, to: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' }, ...OPERATOR_OPTIONS },
  });
  const request: CostRequest = { ...(values.from && { from: values.from }), ...(values.to && { to: values.to }), ...(values.by && { by: values.by as CostDimension }) };
  const report = (await callOperator(COST_PATH, request, values)) as CostReport;
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : costTable(report));
}

/** The report as a table: one line per key, the total, and the EC2 alternative. */
export function costTable(report: CostReport): string {
  const money = (n: number) => `${n.toFixed(4)} ${report.currency}`;
  const rows = [[report.by, 'tasks', 'running', 'vCPU-hours', 'GB-hours', 'cost'], ...report.lines.map((l) => [l.key, String(l.tasks), String(l.running), l.vcpuHours.toFixed(3), l.gbHours.toFixed(3), money(l.cost)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const text = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
  const ec2 = report.onEc2
    ? `\non EC2 instead: ${report.onEc2.instances} x ${report.onEc2.instanceType} for ${report.onEc2.hours.toFixed(3)} h = ${money(report.onEc2.cost)}`
    : '';
  const instances = (report.instances ?? [])
    .map((l) => `\nEC2 ${l.instanceType} ${l.market}: ${l.runs} run(s)${l.running ? ` (${l.running} running)` : ''}, ${l.hours.toFixed(3)} instance-hours = ${money(l.cost)}`)
    .join('');
  return `Fargate, ${new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()}\n${text}\ntotal ${money(report.total)}${ec2}${instances}\n`;
}
