import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addDays } from './calendar.js';
import { poolVersion, Schedule, SEED_ANCHOR, shuffledCycle, slug, type PoolItem } from './schedule.js';

const seedItems = JSON.parse(
  readFileSync(new URL('../data/daily-origami.json', import.meta.url), 'utf8'),
) as PoolItem[];
const seed = { effectiveFrom: SEED_ANCHOR, version: poolVersion(seedItems), items: seedItems };
const names = (schedule: Schedule, from: string, days: number) =>
  Array.from({ length: days }, (_, i) => schedule.pickFor(addDays(from, i)).name);

describe('schedule', () => {
  it('shows each of the 7 once in every Monday-to-Sunday week, for five years', () => {
    const schedule = new Schedule([seed]);
    for (let week = 0; week < 260; week++) {
      const monday = addDays('2024-01-01', week * 7);
      expect(new Set(names(schedule, monday, 7)).size, monday).toBe(7);
    }
  });

  it('never shows the same origami two days running, not even across cycles', () => {
    const all = names(new Schedule([seed]), '2020-01-01', 2000);
    for (let i = 1; i < all.length; i++) expect(all[i], addDays('2020-01-01', i)).not.toBe(all[i - 1]);
  });

  it('reshuffles every cycle rather than repeating one fixed order', () => {
    const orders = new Set(Array.from({ length: 20 }, (_, c) => shuffledCycle(seed.version, c, 7).join()));
    expect(orders.size).toBeGreaterThan(15);
  });

  it('is a pure function of the date and the pools: two schedules agree', () => {
    expect(names(new Schedule([seed]), '2025-03-01', 30)).toEqual(
      names(new Schedule([seed]), '2025-03-01', 30),
    );
    expect(new Schedule([seed]).pickFor('2025-03-01')).toMatchObject({ date: '2025-03-01' });
  });

  it('keeps every day before a new pool and starts a full fresh cycle on its first day', () => {
    const extra = ['Crane', 'Frog', 'Lotus'].map((name) => ({
      name,
      description: `A paper ${name}`,
      image_url: `/static/images/origami/${slug(name)}.png`,
    }));
    const changed = { effectiveFrom: '2025-03-06', version: poolVersion(extra), items: extra };
    const before = new Schedule([seed]);
    const after = new Schedule([seed, changed]);
    expect(names(after, '2025-02-01', 33)).toEqual(names(before, '2025-02-01', 33));
    const fromChange = names(after, '2025-03-06', 9);
    for (let c = 0; c < 3; c++) expect(new Set(fromChange.slice(c * 3, c * 3 + 3)).size).toBe(3);
    expect(after.poolOn('2025-03-05').version).toBe(seed.version);
    expect(after.latest().version).toBe(changed.version);
  });

  it('handles pools of one and two items', () => {
    const one = [seedItems[0]!];
    const two = seedItems.slice(0, 2);
    expect(
      new Set(
        names(
          new Schedule([{ effectiveFrom: SEED_ANCHOR, version: poolVersion(one), items: one }]),
          '2025-01-01',
          5,
        ),
      ).size,
    ).toBe(1);
    const alt = names(
      new Schedule([{ effectiveFrom: SEED_ANCHOR, version: poolVersion(two), items: two }]),
      '2025-01-01',
      6,
    );
    for (let i = 1; i < alt.length; i++) expect(alt[i]).not.toBe(alt[i - 1]);
  });
});
