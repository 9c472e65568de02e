// Builds the voting app for tests on real stores: a PostgreSQL database of the file's own, or embedded PGlite.
import http from 'node:http';
import { signClientId } from '@craftista/http-client';
import { usePostgresDatabase } from '@craftista/testkit';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp, type VotingDeps } from '../src/app.js';
import { openDependencies } from '../src/compose.js';
import { readConfig } from '../src/config.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const CLIENT_ID_SECRET = 'test-client-id-secret-0123456789abcdef';
/** `x-craftista-client` as the frontend sends it: the client id signed with the shared secret. */
export const signedClient = (id: string): string => signClientId(CLIENT_ID_SECRET, id);

export interface Harness {
  app: FastifyInstance;
  /** The first app's pool (ended with it). */
  pool: pg.Pool;
  /** The PostgreSQL database (postgres only). */
  url: string | undefined;
  kind: 'postgres' | 'pglite';
  /**
   * Another app composed as main.ts composes it (on the same PostgreSQL database, e.g. a second replica or
   * other settings; on PGlite, a database of its own), without a catalogue unless `extra` gives one.
   */
  build(env?: Record<string, string>, extra?: Partial<VotingDeps>): Promise<FastifyInstance>;
  dispose(): Promise<void>;
}

export async function harness(
  kind: 'postgres' | 'pglite',
  env: Record<string, string> = {},
): Promise<Harness> {
  const db = kind === 'postgres' ? await usePostgresDatabase() : undefined;
  const apps: FastifyInstance[] = [];
  const pools: pg.Pool[] = [];
  const build = async (more: Record<string, string> = {}, extra: Partial<VotingDeps> = {}) => {
    const config = readConfig({
      DATABASE_URL: db?.url,
      VOTING_ADMIN_TOKEN: ADMIN_TOKEN,
      CLIENT_ID_SECRET,
      LOG_LEVEL: 'silent',
      ...env,
      ...more,
    });
    const deps = await openDependencies(config);
    pools.push(deps.pool);
    const app = await buildApp({ ...deps, catalogue: undefined, ...extra });
    apps.push(app);
    await app.ready();
    return app;
  };
  const app = await build();
  return {
    app,
    pool: pools[0]!,
    url: db?.url,
    kind,
    build,
    async dispose() {
      for (const a of apps) await a.close();
      await db?.dispose();
    },
  };
}

/** Counts of the ledger per origami id. */
export async function ledger(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ origami_id: string; n: string }>(
    'select origami_id, count(*) as n from vote_ledger group by origami_id',
  );
  return Object.fromEntries(rows.map((r) => [r.origami_id, Number(r.n)]));
}

export async function storedVotes(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ id: string; votes: string }>('select id, votes from origami');
  return Object.fromEntries(rows.map((r) => [r.id, Number(r.votes)]));
}

/** Opens an SSE stream and collects its raw text; `events()` parses the `data:` lines. */
export function openStream(url: string): Promise<{
  text(): string;
  events(): { id: string; votes: number }[];
  status: number;
  headers: http.IncomingHttpHeaders;
  ended: Promise<void>;
  close(): void;
}> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => response.once('end', done).once('close', done));
      resolve({
        text: () => text,
        events: () =>
          text
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => JSON.parse(line.slice(6)) as { id: string; votes: number }),
        status: response.statusCode ?? 0,
        headers: response.headers,
        ended,
        close: () => request.destroy(),
      });
    });
    request.once('error', reject);
  });
}
