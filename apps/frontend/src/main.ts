// Reads the configuration, builds the frontend from it and serves it until SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { initTracing, systemInfo } from '@craftista/service-kit/core';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { Backends } from './backends.js';
import { readConfig } from './config.js';
import { VoteStream } from './vote-stream.js';

const config = readConfig();
const logger = pino({ level: config.LOG_LEVEL, base: { service: 'frontend', version: config.APP_VERSION } });
await initTracing('frontend', config.OTEL_EXPORTER_OTLP_ENDPOINT);

if (!config.SESSION_SECRET) {
  logger.warn(
    'SESSION_SECRET is not set: using a random secret, so cookies and vote forms are valid on this replica only until it restarts',
  );
}
const backends = new Backends({
  urls: {
    catalogue: config.CATALOGUE_URL,
    voting: config.VOTING_URL,
    recommendation: config.RECOMMENDATION_URL,
  },
  timeoutMs: config.BACKEND_TIMEOUT_MS,
  cacheTtlMs: config.CACHE_TTL_MS,
});
const voteStream = new VoteStream({
  votingUrl: config.VOTING_URL,
  readCounts: () => backends.votes({ fresh: true }),
  onVote: (event) => backends.applyVote(event),
  onError: (message) => logger.debug(message),
});
const app = buildApp({
  config,
  backends,
  voteStream,
  logger,
  secret: config.SESSION_SECRET ?? randomBytes(32).toString('hex'),
  systemInfo: systemInfo(),
});

const server = app.listen(config.PORT, config.HOST, () => {
  logger.info(
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

let closing = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down');
  setTimeout(() => {
    logger.error('shutdown took longer than 10 s; exiting');
    process.exit(1);
  }, 10_000).unref();
  app.drain();
  voteStream.close();
  server.close(() => process.exit(0));
  setInterval(() => server.closeIdleConnections(), 100).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
