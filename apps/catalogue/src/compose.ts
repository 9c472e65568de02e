import type { CatalogueDeps } from './app.js';
import type { CatalogueConfig } from './config.js';
import { openRepository } from './repository/index.js';

/** The real dependencies the configuration names: MongoDB at MONGODB_URL, else the in-memory store. */
export async function openDependencies(config: CatalogueConfig): Promise<CatalogueDeps> {
  return { config, repository: await openRepository(config.MONGODB_URL, config.MONGODB_TIMEOUT_MS) };
}
