// Scheduled actions' schedules, as Application Auto Scaling reads them: `at(yyyy-mm-ddThh:mm:ss)`,
// `rate(<n> <minute|minutes|hour|hours|day|days>)` and `cron(<minutes> <hours> <day-of-month> <month>
// <day-of-week> <year>)`, wall-clock times in the action's Timezone (UTC by default). Cron fields follow
// AWS's dialect: `?` for "any", days of week 1-7 from Sunday, an optional year field. Pure: the time to
// look from is given.
import { CronExpressionParser } from 'cron-parser';
import { ValidationException } from './errors.js';

export type Schedule =
  | { kind: 'at'; wallClock: string }
  | { kind: 'rate'; everyMs: number }
  | { kind: 'cron'; expression: string; years: string };

const RATE_UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/** Reads a schedule expression; a malformed one is AWS's ValidationException. */
export function parseSchedule(expression: string, timezone = 'Etc/UTC'): Schedule {
  if (!validTimezone(timezone)) throw new ValidationException(`Time zone ${timezone} is not valid.`);
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    if (Number.isNaN(Date.parse(`${at[1]}Z`))) throw invalid(expression);
    return { kind: 'at', wallClock: at[1]! };
  }
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    // `rate(1 minute)` but `rate(5 minutes)`, as AWS insists.
    if (value < 1 || (value === 1) !== !unit.endsWith('s')) throw invalid(expression);
    return { kind: 'rate', everyMs: value * RATE_UNITS[unit]! };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6 && fields.length !== 5) throw invalid(expression);
    const [minutes, hours, dayOfMonth, month, dayOfWeek, years = '*'] = fields as [string, string, string, string, string, string?];
    // AWS: one of day-of-month and day-of-week must be `?`.
    if (fields.length === 6 && dayOfMonth !== '?' && dayOfWeek !== '?') throw invalid(expression);
    if (!/^(\*|\d{4}(-\d{4})?(\/\d+)?(,\d{4}(-\d{4})?)*)$/.test(years)) throw invalid(expression);
    const converted = `0 ${minutes} ${hours} ${anyOf(dayOfMonth)} ${month} ${awsDaysOfWeek(anyOf(dayOfWeek))}`;
    try {
      CronExpressionParser.parse(converted, { tz: timezone });
    } catch {
      throw invalid(expression);
    }
    return { kind: 'cron', expression: converted, years };
  }
  throw invalid(expression);
}

const invalid = (expression: string) => new ValidationException(`Schedule expression ${expression} is not valid.`);
const anyOf = (field: string) => (field === '?' ? '*' : field);

/** AWS numbers days of week 1 (Sunday) to 7; cron-parser 0 (Sunday) to 6. Names and `L`/`#` pass as they are. */
function awsDaysOfWeek(field: string): string {
  return field.replace(/(^|[^#\d])(\d)/g, (_, before: string, day: string) => `${before}${Number(day) - 1}`);
}

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first time the schedule fires strictly after `after` (epoch ms), within [start, end], or undefined
 * when it never fires again. `anchor` is when a rate schedule counts from (its StartTime, else its creation).
 */
export function nextRun(schedule: Schedule, timezone: string, after: number, window: { anchor: number; start?: number; end?: number }): number | undefined {
  const from = Math.max(after, (window.start ?? -Infinity) - 1);
  let next: number | undefined;
  switch (schedule.kind) {
    case 'at': {
      const at = wallClockToUtc(schedule.wallClock, timezone);
      next = at > from ? at : undefined;
      break;
    }
    case 'rate': {
      const periods = Math.floor((from - window.anchor) / schedule.everyMs) + 1;
      next = window.anchor + Math.max(1, periods) * schedule.everyMs;
      break;
    }
    case 'cron': {
      const cron = CronExpressionParser.parse(schedule.expression, { tz: timezone, currentDate: new Date(from) });
      // Skip years the year field leaves out (bounded: a schedule that never fires again ends).
      for (let i = 0; i < 1000 && next === undefined; i++) {
        const candidate = cron.next().getTime();
        if (candidate > from + 200 * 365 * 86_400_000) break;
        if (yearMatches(schedule.years, new Date(candidate).getUTCFullYear())) next = candidate;
      }
      break;
    }
  }
  return next !== undefined && (window.end === undefined || next <= window.end) ? next : undefined;
}

function yearMatches(field: string, year: number): boolean {
  if (field === '*') return true;
  return field.split(',').some((part) => {
    const [range, step = '1'] = part.split('/');
    const [low, high = low] = range!.split('-').map(Number);
    return year >= low! && year <= high! && (year - low!) % Number(step) === 0;
  });
}

/** A wall-clock time (`yyyy-mm-ddThh:mm:ss`) in `timezone`, as epoch ms. */
export function wallClockToUtc(wallClock: string, timezone: string): number {
  const asUtc = Date.parse(`${wallClock}Z`);
  // The zone's offset at that instant, found by formatting it there; once more near a DST change.
  let guess = asUtc - offsetMs(asUtc, timezone);
  guess = asUtc - offsetMs(guess, timezone);
  return guess;
}

/** How far `timezone`'s wall clock is ahead of UTC at `instant`, in ms. */
export function offsetMs(instant: number, timezone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(instant / 1000) * 1000;
}
