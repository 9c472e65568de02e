// The deterministic daily pick: a pure function of the date and the pool history, so every replica, and a
// replica that cannot reach Redis, computes the same answer.
//
// A pool of N items is shown in cycles of N consecutive days, counted from the day the pool took effect
// (the seed pool's cycles start on Monday 1970-01-05, so with 7 items a cycle is a Monday-to-Sunday week).
// Each cycle is a fresh Fisher-Yates shuffle seeded by sha256(pool version, cycle number): every item
// appears exactly once per cycle. When a cycle would open with the item that closed the previous day,
// its first two days are swapped, so the same origami never shows two days running (pools of 3 or more).
// A replaced pool takes effect the next day and starts a fresh cycle there; the old pool's unfinished
// cycle is cut short (see README, "Pool changes").
import { createHash } from 'node:crypto';
import { dayNumber } from './calendar.js';

export interface PoolItem {
  name: string;
  description: string;
  image_url: string;
}

export interface PoolVersion {
  /** First local date (YYYY-MM-DD) this pool decides. */
  effectiveFrom: string;
  /** Content hash of `items`: part of the shuffle seed. */
  version: string;
  items: PoolItem[];
}

/** Oldest first. `YYYY-MM-DD` dates sort as plain strings; localeCompare would load ICU's collation data. */
export const byEffectiveFrom = (a: PoolVersion, b: PoolVersion): number =>
  a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0;

export interface Pick extends PoolItem {
  id: string;
  date: string;
}

/** Monday: the seed pool's cycles start here. */
export const SEED_ANCHOR = '1970-01-05';

export const poolVersion = (items: PoolItem[]): string =>
  createHash('sha256')
    .update(JSON.stringify(items.map((i) => [i.name, i.description, i.image_url])))
    .digest('hex')
    .slice(0, 16);

export const slug = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || 'origami';

const sameItem = (a: PoolItem, b: PoolItem) => a.name.toLowerCase() === b.name.toLowerCase();

/** Fisher-Yates driven by sha256, so the order depends only on (version, cycle). */
export function shuffledCycle(version: string, cycle: number, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = createHash('sha256').update(`${version}:${cycle}:${i}`).digest().readUInt32BE(0) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Answers "what is the pick of date D" for one pool history. Instances are cheap; results are memoised. */
export class Schedule {
  private readonly pools: (PoolVersion & { anchor: number })[];
  private readonly memo = new Map<number, { pool: PoolVersion; index: number }>();

  constructor(pools: PoolVersion[]) {
    if (pools.length === 0) throw new Error('a schedule needs at least one pool');
    this.pools = pools
      .map((p) => ({ ...p, anchor: dayNumber(p.effectiveFrom) }))
      .sort((a, b) => a.anchor - b.anchor);
  }

  /** The pool in effect on `day`; days before the first pool use the first pool. */
  private poolAt(day: number) {
    let found = this.pools[0]!;
    for (const pool of this.pools) if (pool.anchor <= day) found = pool;
    return found;
  }

  private itemAt(day: number): { pool: PoolVersion; index: number } {
    const known = this.memo.get(day);
    if (known) return known;
    const pool = this.poolAt(day);
    const n = pool.items.length;
    const k = day - pool.anchor;
    let index: number;
    if (n <= 2) {
      index = mod(k, n); // one order only: a shuffle cannot help, and alternating is the best there is
    } else {
      const cycle = Math.floor(k / n);
      const position = mod(k, n);
      const order = shuffledCycle(pool.version, cycle, n);
      if (position <= 1) {
        // Opening of a cycle: never repeat the day before it (the previous cycle's last day, raw and
        // therefore not itself affected by this rule, or the last day of the previous pool).
        const before = day - position - 1;
        const previous = this.itemAt(before);
        if (sameItem(pool.items[order[0]!]!, previous.pool.items[previous.index]!))
          [order[0], order[1]] = [order[1]!, order[0]!];
      }
      index = order[position]!;
    }
    const result = { pool, index };
    if (this.memo.size > 4096) this.memo.clear();
    this.memo.set(day, result);
    return result;
  }

  pickFor(date: string): Pick {
    const { pool, index } = this.itemAt(dayNumber(date));
    const item = pool.items[index]!;
    return {
      id: slug(item.name),
      name: item.name,
      description: item.description,
      image_url: item.image_url,
      date,
    };
  }

  /** The pool deciding `date`. */
  poolOn(date: string): PoolVersion {
    const { anchor: _anchor, ...pool } = this.poolAt(dayNumber(date));
    return pool;
  }

  /** The most recent pool (possibly scheduled for tomorrow). */
  latest(): PoolVersion {
    const { anchor: _anchor, ...pool } = this.pools[this.pools.length - 1]!;
    return pool;
  }
}
