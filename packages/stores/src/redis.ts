import { Redis } from 'ioredis';

export interface RedisOptions {
  connectTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * An ioredis client that fails commands at once while Redis is away (no offline queue, one retry) and keeps
 * reconnecting in the background with capped backoff, so callers can fall back instead of hanging.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectTimeout: options.connectTimeoutMs ?? 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
  });
  redis.on('error', (error) => options.onError?.(error));
  return redis;
}

/** Resolves once the client is connected, or rejects after `timeoutMs` (commands fail at once until then). */
export function redisReady(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<void> {
  await redisReady(redis, timeoutMs);
  const answer = await redis.ping();
  if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
}
