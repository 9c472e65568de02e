// Calendar-day arithmetic in a configured IANA time zone with nothing but Intl.DateTimeFormat:
// which local date an instant falls on, and the instant a local date ends. UTC, the default, needs no Intl:
// ICU's zone and locale data, once touched, stay resident (about 6 MB of each process's RSS).

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `timeZone` is an IANA zone name this runtime knows (e.g. "UTC", "Asia/Kolkata"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (a proleptic Gregorian day count, no time zone). */
export function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** The date itself when `value` is a real calendar date written `YYYY-MM-DD` (no 2024-02-30), else undefined. */
export function parseDate(value: string): string | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1970) return undefined;
  return fromDayNumber(dayNumber(value)) === value ? value : undefined;
}

/** Local calendar days in one time zone. */
export class Calendar {
  private readonly format: Intl.DateTimeFormat | undefined;

  constructor(readonly timeZone: string) {
    if (timeZone === 'UTC') return;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
  }

  /** The local date (`YYYY-MM-DD`) at instant `ms`. */
  dateAt(ms: number): string {
    if (!this.format) return fromDayNumber(Math.floor(ms / DAY_MS));
    let y = '';
    let mo = '';
    let d = '';
    for (const part of this.format.formatToParts(ms)) {
      if (part.type === 'year') y = part.value;
      else if (part.type === 'month') mo = part.value;
      else if (part.type === 'day') d = part.value;
    }
    return `${y.padStart(4, '0')}-${mo}-${d}`;
  }

  /**
   * The first instant whose local date is after `date`, i.e. the next local midnight (or the first instant
   * of the next day where a DST jump skips midnight). Offsets lie within -12 h..+14 h, so the answer is
   * within 15 h of that day's UTC midnight; a binary search there needs about 27 look-ups.
   */
  endOfDay(date: string): number {
    const next = addDays(date, 1);
    const utcMidnight = dayNumber(next) * DAY_MS;
    let lo = utcMidnight - 15 * HOUR_MS; // still `date` (or earlier) everywhere
    let hi = utcMidnight + 15 * HOUR_MS; // already `next` (or later) everywhere
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.dateAt(mid) >= next) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  startOfDay(date: string): number {
    return this.endOfDay(addDays(date, -1));
  }
}
