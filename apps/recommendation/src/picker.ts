// Today's pick and past days' picks: from this process's cache when known, else recorded in the store by
// the first replica to ask, else computed. When the store cannot be reached the same computation answers
// from the last pool history this process saw, marked provisional until the store is back.
import type { FastifyBaseLogger } from 'fastify';
import { addDays, Calendar, parseDate } from './calendar.js';
import type { PickStore } from './repository/types.js';
import { Schedule, type Pick, type PoolItem, type PoolVersion, poolVersion } from './schedule.js';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** How long a pick computed without the store is served before the store is asked again. */
const PROVISIONAL_MS = 5_000;
const PAST_CACHE_MAX = 1_000;

interface Today {
  date: string;
  startMs: number;
  endMs: number;
  pick: Pick;
  /** `pick` serialised and encoded once, so the hot path sends ready bytes. */
  json: Buffer;
  /** Set when computed without the store: ask again after this instant or when the store is back. */
  provisionalUntil?: number;
}

export class DatePickError extends Error {
  constructor(
    readonly code: 'invalid_date' | 'date_before_1970' | 'date_in_future',
    message: string,
  ) {
    super(message);
  }
}

export class Picker {
  private today?: Today;
  private inFlight?: Promise<Today>;
  private readonly past = new Map<string, Pick>();
  private schedule: Schedule;
  lastStoreError: string | undefined;

  constructor(
    private readonly store: PickStore,
    readonly calendar: Calendar,
    private readonly clock: Clock,
    private readonly seed: PoolVersion,
    private readonly log?: FastifyBaseLogger,
  ) {
    this.schedule = new Schedule([seed]);
    store.onReconnect(() => {
      if (this.today?.provisionalUntil !== undefined) this.today = undefined;
    });
  }

  /** Today's date in the configured zone (cached until the day ends). */
  todayDate(): string {
    const now = this.clock.now();
    const t = this.today;
    if (t && now >= t.startMs && now < t.endMs) return t.date;
    return this.calendar.dateAt(now);
  }

  /** The pick of today; once known for the day, no store round trip. */
  async pickToday(): Promise<Pick> {
    return (await this.todayEntry()).pick;
  }

  /**
   * Today's pick as JSON bytes (the hot path): at once, with no store round trip and no serialisation, while it
   * is known for today; else once it has been looked up.
   */
  pickTodayJson(): Buffer | Promise<Buffer> {
    const today = this.todayEntry();
    return today instanceof Promise ? today.then((t) => t.json) : today.json;
  }

  private todayEntry(): Today | Promise<Today> {
    const now = this.clock.now();
    const t = this.today;
    if (
      t &&
      now >= t.startMs &&
      now < t.endMs &&
      (t.provisionalUntil === undefined || now < t.provisionalUntil)
    )
      return t;
    return (this.inFlight ??= this.resolveToday(now).finally(() => (this.inFlight = undefined)));
  }

  /** The pick of `value` (YYYY-MM-DD): past days as they were, today as today; future days refused. */
  async pickOn(value: string): Promise<Pick> {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && value < '1970-01-01')
      throw new DatePickError('date_before_1970', `${value} is before 1970, the first day with a pick`);
    const date = parseDate(value);
    if (!date)
      throw new DatePickError('invalid_date', `"${value}" is not a calendar date written YYYY-MM-DD`);
    const today = this.todayDate();
    if (date > today)
      throw new DatePickError(
        'date_in_future',
        `${date} is in the future; the latest pick is today's, ${today}`,
      );
    if (date === today) return this.pickToday();
    const cached = this.past.get(date);
    if (cached) return cached;
    try {
      const pick = (await this.store.recorded(date)) ?? (await this.refreshSchedule()).pickFor(date);
      if (this.past.size >= PAST_CACHE_MAX) this.past.clear();
      this.past.set(date, pick);
      return pick;
    } catch (error) {
      this.storeFailed(error);
      return this.schedule.pickFor(date);
    }
  }

  /** Pools as stored now (seeding the store if empty). Throws when the store is unreachable. */
  async pools(): Promise<PoolVersion[]> {
    await this.refreshSchedule();
    return this.poolsSeen;
  }

  /**
   * Replaces the pool from tomorrow on (today's pick never changes). Returns the stored pool, or the
   * existing one when `items` equal the latest pool already (no new cycle is started then).
   */
  async replacePool(items: PoolItem[]): Promise<{ pool: PoolVersion; changed: boolean }> {
    const schedule = await this.refreshSchedule();
    const version = poolVersion(items);
    const latest = schedule.latest();
    if (latest.version === version) return { pool: latest, changed: false };
    const pool = { effectiveFrom: addDays(this.todayDate(), 1), version, items };
    await this.store.savePool(pool);
    await this.refreshSchedule();
    return { pool, changed: true };
  }

  private poolsSeen: PoolVersion[] = [];

  private async refreshSchedule(): Promise<Schedule> {
    const pools = await this.store.pools(this.seed);
    this.poolsSeen = pools;
    this.schedule = new Schedule(pools);
    this.lastStoreError = undefined;
    return this.schedule;
  }

  private async resolveToday(now: number): Promise<Today> {
    const date = this.calendar.dateAt(now);
    const startMs = this.calendar.startOfDay(date);
    const endMs = this.calendar.endOfDay(date);
    let today: Today;
    try {
      const pick =
        (await this.store.recorded(date)) ??
        (await this.store.claim((await this.refreshSchedule()).pickFor(date), endMs - now));
      this.lastStoreError = undefined;
      today = { date, startMs, endMs, pick, json: Buffer.from(JSON.stringify(pick)) };
    } catch (error) {
      this.storeFailed(error);
      const pick = this.schedule.pickFor(date);
      today = {
        date,
        startMs,
        endMs,
        pick,
        json: Buffer.from(JSON.stringify(pick)),
        provisionalUntil: now + PROVISIONAL_MS,
      };
    }
    this.today = today;
    return today;
  }

  private storeFailed(error: unknown): void {
    const message = (error as Error).message;
    if (this.lastStoreError !== message)
      this.log?.warn({ err: error }, `${this.store.kind} unavailable; answering from the computed schedule`);
    this.lastStoreError = message;
  }
}
