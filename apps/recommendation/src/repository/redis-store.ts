import type { Redis } from 'ioredis';
import { pingRedis } from '@craftista/stores/redis';
import { byEffectiveFrom, type Pick, type PoolVersion } from '../schedule.js';
import type { PickStore } from './types.js';

/**
 * Keys (all under `prefix`, default "recommendation:"):
 * - `pools`          hash  effectiveFrom -> JSON PoolVersion (the pool history; seeded with HSETNX)
 * - `day:<date>`     string JSON Pick, SET NX with an expiry at the end of that local day
 * - `history`        hash  date -> JSON Pick (HSETNX; kept, so past days stay as they were)
 */
export class RedisPickStore implements PickStore {
  readonly kind = 'redis' as const;
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    prefix = 'recommendation:',
  ) {
    this.keys = {
      pools: `${prefix}pools`,
      history: `${prefix}history`,
      day: (date: string) => `${prefix}day:${date}`,
    };
  }

  async pools(seed: PoolVersion): Promise<PoolVersion[]> {
    const results = await this.redis
      .multi()
      .hsetnx(this.keys.pools, seed.effectiveFrom, JSON.stringify(seed))
      .hgetall(this.keys.pools)
      .exec();
    const [, all] = results?.[1] ?? [];
    return Object.values((all ?? {}) as Record<string, string>)
      .map((json) => JSON.parse(json) as PoolVersion)
      .sort(byEffectiveFrom);
  }

  async savePool(pool: PoolVersion): Promise<void> {
    await this.redis.hset(this.keys.pools, pool.effectiveFrom, JSON.stringify(pool));
  }

  async recorded(date: string): Promise<Pick | undefined> {
    const results = await this.redis.pipeline().get(this.keys.day(date)).hget(this.keys.history, date).exec();
    for (const [error, value] of results ?? []) {
      if (error) throw error;
      if (typeof value === 'string') return JSON.parse(value) as Pick;
    }
    return undefined;
  }

  async claim(pick: Pick, ttlMs: number): Promise<Pick> {
    const json = JSON.stringify(pick);
    // PX (relative), not PXAT: the end of the day is computed on this replica's clock, which need not
    // agree with Redis's.
    const won = await this.redis.set(this.keys.day(pick.date), json, 'PX', Math.max(1000, ttlMs), 'NX');
    if (won === 'OK') {
      await this.redis.hsetnx(this.keys.history, pick.date, json);
      return pick;
    }
    return (await this.recorded(pick.date)) ?? pick;
  }

  connected(): boolean {
    return this.redis.status === 'ready';
  }

  onReconnect(listener: () => void): void {
    this.redis.on('ready', listener);
  }

  ping(): Promise<void> {
    return pingRedis(this.redis);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
