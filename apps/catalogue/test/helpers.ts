import { buildApp, type CatalogueDeps } from '../src/app.js';
import { openDependencies } from '../src/compose.js';
import { readConfig, type CatalogueConfig } from '../src/config.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The app on the embedded store (no URL) or on MongoDB at `mongodbUrl`, composed as main.ts composes it. */
export async function catalogueApp(
  mongodbUrl?: string,
  overrides: Omit<Partial<CatalogueDeps>, 'config'> & { config?: Partial<CatalogueConfig> } = {},
) {
  const config = {
    ...readConfig({
      MONGODB_URL: mongodbUrl,
      CATALOGUE_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      APP_VERSION: '9.9.9',
    }),
    ...overrides.config,
  };
  const deps = overrides.repository
    ? { config, repository: overrides.repository }
    : await openDependencies(config);
  const app = await buildApp({ ...deps, ...overrides, config });
  await app.ready();
  return { app, repository: deps.repository };
}

export const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
