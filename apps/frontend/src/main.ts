// Reads the configuration, builds the frontend from it and serves it until SIGTERM/SIGINT.
import { closeOnSignal, createHttpMetrics, serveMetrics } from '@craftista/service-kit/core';
import { buildApp } from './app.js';
import { openDependencies } from './compose.js';
import { readConfig } from './config.js';

const config = readConfig();
const deps = await openDependencies(config);
const metrics = createHttpMetrics('frontend');
const app = buildApp({ ...deps, metrics });
// METRICS_PORT: /metrics there only, not on the public port.
const metricsServer =
  config.METRICS_PORT === undefined
    ? undefined
    : await serveMetrics(metrics.registry, { port: config.METRICS_PORT, host: config.HOST });
const server = app.listen(config.PORT, config.HOST, () => {
  deps.logger.info(
    {
      port: config.PORT,
      catalogue: config.CATALOGUE_URL,
      voting: config.VOTING_URL,
      recommendation: config.RECOMMENDATION_URL,
    },
    'frontend listening',
  );
});
server.keepAliveTimeout = 65_000;
closeOnSignal({
  log: deps.logger,
  server,
  close: async () => {
    app.drain();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    metricsServer?.close();
  },
});
