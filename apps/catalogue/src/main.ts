import { runService } from '@craftista/service-kit';
import { buildApp } from './app.js';
import { openDependencies } from './compose.js';
import { readConfig } from './config.js';

const config = readConfig();
const app = await buildApp(await openDependencies(config));
await runService(app, { port: config.PORT, host: config.HOST });
