import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DailyPool } from '@craftista/contracts';
import { createService, registerInfoPage } from '@craftista/service-kit';
import { Calendar } from './calendar.js';
import { Picker, systemClock, type Clock } from './picker.js';
import type { PickStore } from './repository/store.js';
import { registerOrigamiRoutes } from './routes/origami.js';
import { registerPoolRoutes } from './routes/pool.js';
import { poolVersion, SEED_ANCHOR, type PoolItem, type PoolVersion } from './schedule.js';

export interface AppDeps {
  store: PickStore;
  timeZone?: string;
  adminToken?: string;
  clock?: Clock;
  version?: string;
  logLevel?: string;
  logger?: boolean;
  otlpEndpoint?: string;
  /** The pool the store is seeded with; defaults to data/daily-origami.json. */
  seedItems?: PoolItem[];
}

export const seedFile = new URL('../data/daily-origami.json', import.meta.url);

/** The seed pool (the original's seven daily origami), effective since the first cycle's Monday. */
export function seedPool(
  items: PoolItem[] = DailyPool.parse(JSON.parse(readFileSync(seedFile, 'utf8'))),
): PoolVersion {
  return { effectiveFrom: SEED_ANCHOR, version: poolVersion(items), items };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance & { picker: Picker }> {
  const version = deps.version ?? '1.0.0';
  const app = await createService({
    name: 'recommendation',
    version,
    description: 'The origami of the day: one pick per calendar day, the same on every replica',
    ...(deps.logLevel ? { logLevel: deps.logLevel } : {}),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(deps.otlpEndpoint ? { otlpEndpoint: deps.otlpEndpoint } : {}),
  });
  const { store } = deps;
  const picker = new Picker(
    store,
    new Calendar(deps.timeZone ?? 'UTC'),
    deps.clock ?? systemClock,
    seedPool(deps.seedItems),
    app.log,
  );

  if (store.kind === 'redis') app.readiness.add('redis', () => store.ping());
  app.readiness.detail('store', () => store.kind);
  app.readiness.detail('timeZone', () => picker.calendar.timeZone);
  app.addHook('onClose', () => store.close());

  registerInfoPage(app, {
    title: 'Recommendation Engine',
    heading: 'Welcome to Daily Origami Recommendation Service',
    paragraphs: [
      'This is a backend service to which Craftista Frontend Connects to fetch the Origami of the Day: one pick per calendar day, the same on every replica.',
    ],
    links: [
      { href: '/api/origami-of-the-day', label: 'Origami of the Day' },
      { href: '/api/recommendation-status', label: 'Service Status' },
    ],
    version,
    logo: {
      file: fileURLToPath(new URL('../static/images/logo.png', import.meta.url)),
      url: '/static/images/logo.png',
    },
  });
  registerOrigamiRoutes(app, picker, store);
  registerPoolRoutes(app, picker, deps.adminToken);
  return Object.assign(app, { picker });
}
