import { loadConfig } from '@craftista/config';
import { runService } from '@craftista/service-kit';
import { createRedis } from '@craftista/stores/redis';
import { buildApp } from './app.js';
import { configSchema } from './config.js';
import { MemoryPickStore } from './repository/memory-store.js';
import { RedisPickStore } from './repository/redis-store.js';

const config = loadConfig(configSchema, 'recommendation');
// Redis may be down at start: the client keeps reconnecting and picks are computed meanwhile.
const store = config.REDIS_URL ? new RedisPickStore(createRedis(config.REDIS_URL)) : new MemoryPickStore();
const app = await buildApp({
  store,
  timeZone: config.RECOMMENDATION_TIMEZONE,
  adminToken: config.RECOMMENDATION_ADMIN_TOKEN,
  version: config.APP_VERSION,
  logLevel: config.LOG_LEVEL,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});
if (!config.REDIS_URL)
  app.log.warn(
    'embedded mode: daily picks are kept in this process only; set REDIS_URL to share them between replicas',
  );
await runService(app, { port: config.PORT, host: config.HOST });
