import { runService } from '@craftista/service-kit';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { openRepository } from './repository/index.js';

const config = readConfig();
const repository = openRepository(config.MONGODB_URL, config.MONGODB_TIMEOUT_MS);
const app = await buildApp({ repository, config });
if (!config.MONGODB_URL) {
  app.log.warn(
    'MONGODB_URL is not set: running on the embedded in-memory catalogue (changes are lost on restart); set MONGODB_URL=mongodb://host:27017/catalogue to use MongoDB',
  );
}
await runService(app, { port: config.PORT, host: config.HOST });
