// `npm run fuzz [-- --seed N --minutes M --malformed K]`: the fuzzer's long run against a fresh `wharf up`,
// round after round over every operation of every service in models/ until the time is up; prints the calls
// made, calls per second and each fault found with what reproduces it. Exits 1 when it found any.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz } from '../test/fuzz-harness.js';
import { loadServices } from '../test/fuzz-inputs.js';
import { startWharf, WHARF_BIN } from '../test/wharf-process.js';

export async function fuzzRun(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: 'string' }, minutes: { type: 'string' }, malformed: { type: 'string' }, service: { type: 'string', multiple: true } },
  });
  const seed = Number(values.seed ?? Date.now() % 1_000_000);
  const minutes = Number(values.minutes ?? 10);
  const only = values.service;
  const services = loadServices(join(WHARF_BIN, '..', '..', 'models')).filter((service) => !only || only.includes(service.name));
  const wharf = await startWharf({ env: { WHARF_LOG_LEVEL: 'warn' } });
  process.stdout.write(`fuzzing ${services.map((s) => `${s.name} (${s.operations.length})`).join(', ')} with seed ${seed} for ${minutes} min\n`);
  let printed = 0;
  const report = await fuzz(
    { endpoint: wharf.endpoint, dataDir: wharf.dataDir, credentials: wharf.credentials, region: 'us-east-1' },
    {
      seed,
      services,
      malformedPerOperation: Number(values.malformed ?? 4),
      rounds: Number.MAX_SAFE_INTEGER,
      deadline: Date.now() + minutes * 60_000,
      progress: (progress) => {
        if (progress.seconds - printed < 10) return;
        printed = progress.seconds;
        process.stdout.write(`${progress.calls} calls, ${(progress.calls / progress.seconds).toFixed(0)} calls/s, ${progress.faults.length} faults, by status ${JSON.stringify(progress.statuses)}\n`);
      },
    },
  ).finally(() => wharf.stop());
  for (const fault of report.faults) process.stdout.write(`\nFAULT ${fault.kind}: ${fault.detail}\n  ${fault.calls.join('\n  ')}\n`);
  process.stdout.write(`\nseed ${seed}: ${report.calls} calls in ${report.seconds.toFixed(1)} s (${(report.calls / report.seconds).toFixed(0)} calls/s), ${report.faults.length} faults found\n`);
  return report.faults.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await fuzzRun(process.argv.slice(2));
