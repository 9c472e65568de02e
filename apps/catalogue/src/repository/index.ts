import { createMongoStore } from '@craftista/stores/mongo';
import { createMemoryRepository } from './memory.js';
import { createMongoRepository } from './mongo.js';
import type { ProductRepository } from './types.js';

export * from './types.js';
export { createMemoryRepository };

/** MongoDB when a URL is given (database from its path, else "catalogue"), else the in-memory store. */
export function openRepository(mongodbUrl: string | undefined, timeoutMs: number): ProductRepository {
  if (!mongodbUrl) return createMemoryRepository();
  return createMongoRepository(createMongoStore(mongodbUrl, { timeoutMs, defaultDb: 'catalogue' }));
}
