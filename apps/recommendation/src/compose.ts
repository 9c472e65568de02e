import { createRedis } from '@craftista/stores/redis';
import type { RecommendationDeps } from './app.js';
import type { RecommendationConfig } from './config.js';
import { MemoryPickStore } from './repository/memory-store.js';
import { RedisPickStore } from './repository/redis-store.js';

/**
 * The real dependencies the configuration names: Redis at REDIS_URL (it may be down at start: the client
 * keeps reconnecting and picks are computed meanwhile), else this process's memory.
 */
export function openDependencies(config: RecommendationConfig): RecommendationDeps {
  const store = config.REDIS_URL ? new RedisPickStore(createRedis(config.REDIS_URL)) : new MemoryPickStore();
  return { config, store };
}
