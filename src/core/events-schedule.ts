// EventBridge rules' schedule expressions: `rate(value unit)` and AWS's six-field `cron(...)` (minutes hours
// day-of-month month day-of-week year, in UTC; `?` in one of the two day fields, `L`, `W` and `#`; days of
// the week 1-7 from Sunday). cron-parser reads the common fields; the AWS dialect is translated onto it
// (Sunday-based numbers, the year and `W` are checked here). EventBridge Scheduler reads the same dialect
// in a schedule's time zone.
import { CronExpressionParser } from 'cron-parser';
import { offsetMs } from './app-autoscaling-schedule.js';

export interface Schedule {
  /** The first firing strictly after `after`; a rate counts its periods from `from` (when the rule was made). */
  next(after: Date, from: Date): Date | undefined;
}

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The schedule, or undefined when EventBridge would refuse the expression; cron fields are read in `timezone`. */
export function parseSchedule(expression: string, timezone = 'UTC'): Schedule | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    // AWS insists on the singular for 1 and the plural otherwise.
    if (value < 1 || (value === 1) !== (rate[3] === '')) return undefined;
    const period = value * UNITS[rate[2]!]!;
    return { next: (after, from) => new Date(from.getTime() + (Math.floor((after.getTime() - from.getTime()) / period) + 1) * period) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  return cron ? parseCron(cron[1]!.trim(), timezone) : undefined;
}

const DOW_NAMES = 'SUN|MON|TUE|WED|THU|FRI|SAT';
const FIELD = {
  minute: /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/,
  hour: /^(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*$/,
  dayOfMonth: /^(\?|L|LW|\d{1,2}W|(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*)$/,
  month: /^(\*|([A-Z]{3}|\d{1,2})(-([A-Z]{3}|\d{1,2}))?)(\/\d{1,2})?(,(\*|([A-Z]{3}|\d{1,2})(-([A-Z]{3}|\d{1,2}))?)(\/\d{1,2})?)*$/,
  dayOfWeek: new RegExp(`^(\\?|L|([1-7]|${DOW_NAMES})(#[1-5]|L)|(\\*|([1-7]|${DOW_NAMES})(-([1-7]|${DOW_NAMES}))?)(\\/\\d)?(,(\\*|([1-7]|${DOW_NAMES})(-([1-7]|${DOW_NAMES}))?)(\\/\\d)?)*)$`),
  year: /^(\*|\d{4}(-\d{4})?)(\/\d{1,3})?(,(\*|\d{4}(-\d{4})?)(\/\d{1,3})?)*$/,
};

/** The most firings looked at for one answer when the year or a `W` day narrows cron-parser's: over a century of days. */
const SEARCH_LIMIT = 50_000;

function parseCron(text: string, tz: string): Schedule | undefined {
  const fields = text.toUpperCase().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if (!FIELD.minute.test(minute) || !FIELD.hour.test(hour) || !FIELD.dayOfMonth.test(dayOfMonth) || !FIELD.month.test(month) || !FIELD.dayOfWeek.test(dayOfWeek) || !FIELD.year.test(year)) return undefined;
  // Exactly one of the day fields is `?`.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) return undefined;
  const weekday = /^(\d{1,2}|L)W$/.exec(dayOfMonth);
  const dom = dayOfMonth === '?' || weekday ? '*' : dayOfMonth;
  const dow = dayOfWeek === '?' ? '*' : dayOfWeek === 'L' ? '7L' : dayOfWeek.replace(/(?<![#\d])([1-7])/g, (d) => String(Number(d) - 1));
  const years = yearMatcher(year);
  if (!years) return undefined;
  const expression = `0 ${minute} ${hour} ${dom} ${month} ${dow}`;
  try {
    CronExpressionParser.parse(expression, { tz });
  } catch {
    return undefined;
  }
  // The year and `W` are judged on the wall-clock date in the time zone (a Date whose UTC fields are those).
  const wallClock = (d: Date) => (tz === 'UTC' ? d : new Date(d.getTime() + offsetMs(d.getTime(), tz)));
  const allowed = (utc: Date) => {
    const d = wallClock(utc);
    return years(d.getUTCFullYear()) && (!weekday || d.getUTCDate() === nearestWeekday(d, weekday[1]!));
  };
  return {
    next: (after) => {
      const dates = CronExpressionParser.parse(expression, { tz, currentDate: after });
      for (let i = 0; i < SEARCH_LIMIT && dates.hasNext(); i++) {
        const date = dates.next().toDate();
        if (date.getUTCFullYear() > 2199) return undefined;
        if (allowed(date)) return date;
      }
      return undefined;
    },
  };
}

function yearMatcher(field: string): ((year: number) => boolean) | undefined {
  const parts = field.split(',').map((part) => {
    const [range, step] = part.split('/');
    const [low, high] = range === '*' ? [1970, 2199] : range!.split('-').map(Number);
    return { low: low!, high: high ?? (step ? 2199 : low!), step: step ? Number(step) : 1 };
  });
  if (parts.some((p) => p.low < 1970 || p.high > 2199 || p.low > p.high || p.step < 1)) return undefined;
  return (year) => parts.some((p) => year >= p.low && year <= p.high && (year - p.low) % p.step === 0);
}

/** `nW`: the weekday nearest the n-th of the month, within the month; `LW`: the month's last weekday. */
function nearestWeekday(date: Date, day: string): number {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const target = day === 'L' ? last : Math.min(Number(day), last);
  const dow = new Date(Date.UTC(y, m, target)).getUTCDay();
  if (dow === 6) return target === 1 ? 3 : target - 1;
  if (dow === 0) return target === last ? target - 2 : target + 1;
  return target;
}
