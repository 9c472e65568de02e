import type { Redis } from 'ioredis';
import { createRedis, redisReady } from '@craftista/stores';
import { buildApp, type RecommendationDeps } from '../src/app.js';
import { readConfig } from '../src/config.js';
import type { Pick } from '../src/schedule.js';
import type { Clock } from '../src/picker.js';
import { RedisPickStore } from '../src/repository/redis-store.js';
import type { PickStore } from '../src/repository/types.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A clock that stands still until the test moves it. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  static at(iso: string) {
    return new ManualClock(Date.parse(iso));
  }
  now() {
    return this.ms;
  }
  set(iso: string) {
    this.ms = Date.parse(iso);
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

/** Counts the calls that reach the store, to prove the hot path does not. */
export function counting(store: PickStore): PickStore & { calls: number } {
  const counted = Object.create(store) as PickStore & { calls: number };
  counted.calls = 0;
  for (const method of ['pools', 'savePool', 'recorded', 'claim'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (counted as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      counted.calls++;
      return original(...args);
    };
  }
  return counted;
}

export async function redisStore(url: string): Promise<{ store: RedisPickStore; redis: Redis }> {
  const redis = createRedis(url);
  await redisReady(redis, 5000);
  return { store: new RedisPickStore(redis), redis };
}

/** The app on `store` with these settings (the admin token unless `adminToken` is given, even as undefined). */
export async function app({
  timeZone,
  ...deps
}: Omit<RecommendationDeps, 'config'> & { timeZone?: string; adminToken?: string | undefined }) {
  const config = readConfig({
    LOG_LEVEL: 'silent',
    RECOMMENDATION_TIMEZONE: timeZone,
    RECOMMENDATION_ADMIN_TOKEN: 'adminToken' in deps ? deps.adminToken : ADMIN_TOKEN,
  });
  return buildApp({ ...deps, config });
}

export type App = Awaited<ReturnType<typeof app>>;

export async function pickOf(target: App, date?: string) {
  const res = await target.inject({ url: `/api/origami-of-the-day${date ? `?date=${date}` : ''}` });
  return { status: res.statusCode, body: res.json() as Record<string, string> };
}

export async function today(target: App): Promise<Pick> {
  const { status, body } = await pickOf(target);
  if (status !== 200) throw new Error(`origami of the day answered ${status}: ${JSON.stringify(body)}`);
  return body as unknown as Pick;
}

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
