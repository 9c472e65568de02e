import net from 'node:net';
import http from 'node:http';
import { once } from 'node:events';
import { freePort, startService, type ServiceProcess } from '@craftista/testkit';
import { buildApp, type FrontendApp } from '../src/app.js';
import type { Backends, BackendUrls } from '../src/backends.js';
import { openDependencies } from '../src/compose.js';
import { readConfig } from '../src/config.js';
import type { VoteStream } from '../src/vote-stream.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
/** Shared by the frontend and the voting service the tests start, as in docker/compose.yaml. */
export const CLIENT_ID_SECRET = 'test-client-id-secret-0123456789abcdef';

export interface TestFrontend {
  app: FrontendApp;
  backends: Backends;
  voteStream: VoteStream;
  close(): void;
}

/**
 * The frontend composed as main.ts composes it, on the given backends, without a listener (supertest serves
 * it); counts recover faster than in production, and the page shows a fixed host.
 */
export async function frontend(
  urls: BackendUrls,
  options: { cacheTtlMs?: number; timeoutMs?: number; voteRateLimit?: number; pollMs?: number } = {},
): Promise<TestFrontend> {
  const config = readConfig({
    CATALOGUE_URL: urls.catalogue,
    VOTING_URL: urls.voting,
    RECOMMENDATION_URL: urls.recommendation,
    APP_VERSION: '9.9.9',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: SECRET,
    CLIENT_ID_SECRET,
    BACKEND_TIMEOUT_MS: String(options.timeoutMs ?? 800),
    CACHE_TTL_MS: String(options.cacheTtlMs ?? 0),
    VOTE_RATE_LIMIT: String(options.voteRateLimit ?? 1000),
  });
  const deps = await openDependencies(config, {
    pollMs: options.pollMs ?? 500,
    backoffMs: 100,
    maxBackoffMs: 500,
  });
  const app = buildApp({
    ...deps,
    systemInfo: { hostname: 'test-host', ipAddress: '192.0.2.7', isContainer: false, isKubernetes: false },
  });
  return { app, backends: deps.backends, voteStream: deps.voteStream, close: () => app.drain() };
}

export interface Backend3 {
  catalogue: ServiceProcess;
  recommendation: ServiceProcess;
  voting: ServiceProcess;
  urls: BackendUrls;
  stopAll(): Promise<void>;
}

/** The three real services as processes, embedded stores, voting synced from this catalogue. */
export async function startBackends(env: Record<string, string> = {}): Promise<Backend3> {
  const [catalogue, recommendation] = await Promise.all([
    startService('apps/catalogue/src/main.ts', { env, timeoutMs: 120_000 }),
    startService('apps/recommendation/src/main.ts', { env, timeoutMs: 120_000 }),
  ]);
  const voting = await startService('apps/voting/src/main.ts', {
    timeoutMs: 150_000,
    env: { ...env, CATALOGUE_URL: catalogue.url, CATALOGUE_SYNC_INTERVAL_MS: '1000', CLIENT_ID_SECRET },
  });
  return {
    catalogue,
    recommendation,
    voting,
    urls: { catalogue: catalogue.url, voting: voting.url, recommendation: recommendation.url },
    stopAll: async () => {
      await Promise.all([catalogue.stop(), recommendation.stop(), voting.stop()]);
    },
  };
}

/** A port where nothing listens: connections are refused at once. */
export async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** A real HTTP server that accepts every request and never answers. */
export async function hangingServer(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer(() => {
    count += 1;
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Reads the server-rendered page the way a test needs it. */
export function parsePage(html: string) {
  const cards = [...html.matchAll(/<article class="product" id="origami-([^"]+)"/g)].map((m) => m[1]!);
  const votes = (id: string) =>
    html.match(new RegExp(`id="votes-${id}">Votes: <span class="count">([^<]*)<`))?.[1];
  const statuses = [
    ...html.matchAll(/<li class="status-box (up|down)" id="status-([a-z]+)">\s*<h3>([^<]+)<\/h3>/g),
  ].map((m) => ({ name: m[3], state: m[1] }));
  const visibleVoteForms = [...html.matchAll(/<form class="vote-form"[^>]*>/g)].filter(
    (m) => !m[0].includes(' hidden'),
  ).length;
  const csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  return { cards, votes, statuses, visibleVoteForms, csrf };
}

/** The Cookie header a browser would send back after these Set-Cookie headers. */
export function cookieOf(setCookie: unknown): string {
  const list = Array.isArray(setCookie) ? (setCookie as string[]) : [String(setCookie ?? '')];
  return list.map((c) => c.split(';')[0]).join('; ');
}
