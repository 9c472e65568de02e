import { createMongoStore } from '@craftista/stores/mongo';
import { createMemoryRepository } from './memory.js';
import { createMongoRepository } from './mongo.js';
import type { ProductRepository } from './types.js';

export * from './types.js';
export { createMemoryRepository, createMongoRepository };

/** MongoDB when a URL is given (database from its path, else "catalogue"), else the in-memory store. */
export function openRepository(mongodbUrl: string | undefined, timeoutMs = 1000): ProductRepository {
  if (!mongodbUrl) return createMemoryRepository();
  const named = mongodbUrl
    .replace(/\?.*$/, '')
    .replace(/^mongodb(\+srv)?:\/\/[^/]*/, '')
    .replace(/^\//, '');
  return createMongoRepository(createMongoStore(mongodbUrl, { timeoutMs, dbName: named || 'catalogue' }));
}
