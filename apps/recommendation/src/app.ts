import { readFileSync } from 'node:fs';
import { DailyPool } from '@craftista/contracts';
import { createService, type Service, type ServiceMeta } from '@craftista/service-kit';
import { Calendar } from './calendar.js';
import type { RecommendationConfig } from './config.js';
import { Picker, systemClock, type Clock } from './picker.js';
import type { PickStore } from './repository/types.js';
import { origamiRoutes } from './routes/origami.js';
import { poolRoutes } from './routes/pool.js';
import { poolVersion, SEED_ANCHOR, type PoolItem, type PoolVersion } from './schedule.js';

const SERVICE: ServiceMeta = {
  name: 'recommendation',
  description: 'The origami of the day: one pick per calendar day, the same on every replica',
  adminToken: 'RECOMMENDATION_ADMIN_TOKEN',
  infoPage: new URL('../static/info-page.json', import.meta.url),
};

export interface RecommendationDeps {
  config: RecommendationConfig;
  /** Closed with the app. */
  store: PickStore;
  clock?: Clock;
  /** The pool the store is seeded with; defaults to data/daily-origami.json. */
  seedItems?: PoolItem[];
  /** Where log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream;
}

const seedFile = new URL('../data/daily-origami.json', import.meta.url);

/** The seed pool (the original's seven daily origami), effective since the first cycle's Monday. */
function seedPool(
  items: PoolItem[] = DailyPool.parse(JSON.parse(readFileSync(seedFile, 'utf8'))),
): PoolVersion {
  return { effectiveFrom: SEED_ANCHOR, version: poolVersion(items), items };
}

export async function buildApp(deps: RecommendationDeps): Promise<Service> {
  const { config, store } = deps;
  const app = await createService({ ...SERVICE, logDestination: deps.logDestination }, config);
  if (store.kind === 'embedded') {
    app.log.warn(
      'embedded mode: daily picks are kept in this process only; set REDIS_URL to share them between replicas',
    );
  }
  const picker = new Picker(
    store,
    new Calendar(config.RECOMMENDATION_TIMEZONE),
    deps.clock ?? systemClock,
    seedPool(deps.seedItems),
    app.log,
  );

  if (store.kind === 'redis') app.readiness.add('redis', () => store.ping());
  app.readiness.detail('store', () => store.kind);
  app.readiness.detail('timeZone', () => picker.calendar.timeZone);
  app.addHook('onClose', () => store.close());

  await app.register(origamiRoutes, { picker, store });
  await app.register(poolRoutes, { picker });
  return app;
}
