import type { RecommendationDeps } from './app.js';
import type { RecommendationConfig } from './config.js';
import { MemoryPickStore } from './repository/memory-store.js';

/**
 * The real dependencies the configuration names: Redis at REDIS_URL (it may be down at start: the client
 * keeps reconnecting and picks are computed meanwhile), else this process's memory. The Redis client is
 * loaded only for Redis.
 */
export async function openDependencies(config: RecommendationConfig): Promise<RecommendationDeps> {
  if (!config.REDIS_URL) return { config, store: new MemoryPickStore() };
  const [{ createRedis }, { RedisPickStore }] = await Promise.all([
    import('@craftista/stores/redis'),
    import('./repository/redis-store.js'),
  ]);
  return { config, store: new RedisPickStore(createRedis(config.REDIS_URL)) };
}
