// The behaviour every backend must show, run on real PostgreSQL and on embedded PGlite.
import { signClientId } from '@craftista/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  harness,
  ledger,
  openStream,
  storedVotes,
  type Harness,
  signedClient,
} from './support.js';

export function contractSuite(kind: 'postgres' | 'pglite'): () => Harness {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(kind);
  }, 120_000);
  afterAll(async () => h?.dispose());
  const vote = (id: string, client = 'contract-client', payload?: unknown) =>
    h.app.inject({
      method: 'POST',
      url: `/api/origamis/${id}/vote`,
      headers: { 'x-craftista-client': signedClient(client) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });

  describe(`original contract on ${kind}`, () => {
    it('serves the welcome page with the original texts and API links', async () => {
      const res = await h.app.inject('/');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('Welcome to the Craftista Voting Service');
      expect(res.body).toContain('This service allows users to vote on their favorite origamis.');
      expect(res.body).toContain('<a href="/api/origamis">Origamis API</a>');
      expect(res.body).toContain('<a href="/api/origamis/1/votes">Votes Submitted to the 1st Origamis</a>');
      expect(res.body).toMatch(/class="version-circle">1\.0\.0</);
      expect(res.body).toContain('Hostname:');
    });

    it('lists the seeded origami as [{id, name, votes}] with string ids', async () => {
      const res = await h.app.inject('/api/origamis');
      expect(res.statusCode).toBe(200);
      const list = res.json() as { id: string; name: string; votes: number }[];
      expect(list.slice(0, 5).map((o) => o.id)).toEqual(['1', '2', '3', '4', '5']);
      expect(list[0]).toEqual({ id: '1', name: 'Origami Crane', votes: expect.any(Number) });
      for (const item of list) expect(Object.keys(item).sort()).toEqual(['id', 'name', 'votes']);
    });

    it('returns one origami by id and 404 with a reason for an unknown one', async () => {
      expect((await h.app.inject('/api/origamis/4')).json()).toMatchObject({
        id: '4',
        name: 'Origami Camel',
      });
      const missing = await h.app.inject('/api/origamis/404404');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: 'not_found', message: 'No origami with id "404404".' });
    });

    it('counts a vote, answers the updated origami and shows the count as a bare integer', async () => {
      const before = Number((await h.app.inject('/api/origamis/3/votes')).body);
      const res = await vote('3');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ id: '3', name: 'Origami Kangaroo', votes: before + 1 });
      const count = await h.app.inject('/api/origamis/3/votes');
      expect(count.statusCode).toBe(200);
      expect(count.body).toBe(String(before + 1));
      expect(count.headers['content-type']).toMatch(/application\/json/);
      // Read your own vote: the list asked for right after the 200 already counts it.
      const listed = (await h.app.inject('/api/origamis')).json() as { id: string; votes: number }[];
      expect(listed.find((o) => o.id === '3')?.votes).toBe(before + 1);
    });

    it('counts a body-less vote whatever its Content-Type, as the original did (axios 0.21.4 sends a form type)', async () => {
      const types = [
        'application/x-www-form-urlencoded',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
        'not a media type',
      ];
      const before = Number((await h.app.inject('/api/origamis/2/votes')).body);
      const ledgerBefore = (await ledger(h.pool))['2'] ?? 0;
      const answers = [];
      for (const [i, type] of types.entries()) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/origamis/2/vote',
          headers: {
            'x-craftista-client': signedClient(`typed-${i}`),
            'content-type': type,
            'content-length': '0',
          },
        });
        answers.push([type, res.statusCode, res.json().votes]);
      }
      expect(answers).toEqual(types.map((type, i) => [type, 200, before + i + 1]));
      expect((await ledger(h.pool))['2']).toBe(ledgerBefore + types.length);
    });

    it('reads a JSON body on the vote route and ignores it; refuses a body of another type with 415', async () => {
      const before = Number((await h.app.inject('/api/origamis/2/votes')).body);
      const json = await h.app.inject({
        method: 'POST',
        url: '/api/origamis/2/vote',
        headers: { 'x-craftista-client': signedClient('json-body'), 'content-type': 'application/json' },
        payload: '{"votes":1000}',
      });
      expect([json.statusCode, json.json().votes]).toEqual([200, before + 1]);
      const ledgerBefore = await ledger(h.pool);
      const form = await h.app.inject({
        method: 'POST',
        url: '/api/origamis/2/vote',
        headers: {
          'x-craftista-client': signedClient('form-body'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'votes=1000',
      });
      expect(form.statusCode).toBe(415);
      expect(form.json().error).toBe('unsupported_media_type');
      expect(await ledger(h.pool)).toEqual(ledgerBefore);
    });

    it('answers 0 votes for an unknown id, as the original does', async () => {
      const res = await h.app.inject('/api/origamis/999/votes');
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('0');
    });

    it('refuses a vote for an unknown origami with 404 and stores nothing', async () => {
      const before = await ledger(h.pool);
      const res = await vote('999');
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('not_found');
      expect(await ledger(h.pool)).toEqual(before);
    });

    it('refuses malformed ids and SQL metacharacters with 400 and stores nothing', async () => {
      const before = await storedVotes(h.pool);
      const ledgerBefore = await ledger(h.pool);
      for (const id of [
        "1'%20or%20'1'%3D'1",
        '1%3B%20drop%20table%20origami',
        'x'.repeat(65),
        '%00',
        'a%20b',
      ]) {
        const res = await vote(id);
        expect(res.statusCode, id).toBe(400);
        expect(res.json().error).toBe('validation_failed');
        expect((await h.app.inject(`/api/origamis/${id}`)).statusCode).toBe(400);
      }
      expect(await storedVotes(h.pool)).toEqual(before);
      expect(await ledger(h.pool)).toEqual(ledgerBefore);
    });

    it('refuses a huge body with 413 and stores nothing', async () => {
      const before = await ledger(h.pool);
      const big = JSON.stringify({ pad: 'x'.repeat(200 * 1024) });
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/origamis/1/vote',
        headers: { 'content-type': 'application/json' },
        payload: big,
      });
      expect(res.statusCode).toBe(413);
      const create = await h.app.inject({
        method: 'POST',
        url: '/api/origamis',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        payload: big,
      });
      expect(create.statusCode).toBe(413);
      expect(await ledger(h.pool)).toEqual(before);
    });

    it('keeps every count equal to its ledger rows (plus initial votes)', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => vote(String((i % 3) + 1), `audit-${i}`)));
      const { rows } = await h.pool.query(
        `select o.id from origami o left join (select origami_id, count(*) n from vote_ledger group by 1) l
         on l.origami_id = o.id where o.votes <> o.initial_votes + coalesce(l.n, 0)`,
      );
      expect(rows).toEqual([]);
    });

    it('answers the votes of the last hours from the ledger, 400 for a bad window, 404 for an unknown id', async () => {
      const recent = async (query: string) =>
        (await h.app.inject(`/api/origamis/5/votes/recent${query}`)).json();
      const before = (await recent('')) as { id: string; hours: number; votes: number };
      expect(before).toMatchObject({ id: '5', hours: 24 });
      // An old vote in the ledger counts for a long window only.
      await h.pool.query(
        `insert into vote_ledger (origami_id, cast_at, client_hash) values ('5', now() - interval '30 hours', 'old')`,
      );
      await vote('5', 'recent-votes');
      expect(await recent('')).toEqual({ id: '5', hours: 24, votes: before.votes + 1 });
      expect(await recent('?hours=1')).toMatchObject({ hours: 1, votes: expect.any(Number) });
      const week = (await recent('?hours=168')) as { votes: number };
      expect(week.votes).toBeGreaterThanOrEqual(before.votes + 2);
      for (const bad of ['0', '721', '1.5', 'day']) {
        const res = await h.app.inject(`/api/origamis/5/votes/recent?hours=${bad}`);
        expect(res.statusCode, bad).toBe(400);
        expect(res.json()).toHaveProperty('error');
      }
      expect((await h.app.inject('/api/origamis/404404/votes/recent')).statusCode).toBe(404);
      // Put the books back: the audit test compares counts with ledger rows.
      await h.pool.query(`delete from vote_ledger where client_hash = 'old'`);
    });

    it('gives each of many simultaneous votes on one origami its own resulting count', async () => {
      const before = Number((await h.app.inject('/api/origamis/5/votes')).body);
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => vote('5', `burst-${i}`)));
      expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
      const counts = answers.map((a) => a.json().votes as number).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 60 }, (_, i) => before + i + 1));
      expect((await h.app.inject('/api/origamis/5/votes')).body).toBe(String(before + 60));
    });

    it('orders the leaderboard by votes with ?sort=votes', async () => {
      for (let i = 0; i < 5; i++) await vote('2', `leader-${i}`);
      const board = (await h.app.inject('/api/origamis?sort=votes')).json() as { votes: number }[];
      const votes = board.map((o) => o.votes);
      expect(votes).toEqual([...votes].sort((a, b) => b - a));
      expect((await h.app.inject('/api/origamis?sort=name')).statusCode).toBe(400);
    });

    it('limits one client to VOTE_LIMIT_PER_MINUTE votes a minute: 429 with Retry-After, nothing stored', async () => {
      const client = `greedy-${Date.now()}`;
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push((await vote('1', client)).statusCode);
      // A window may roll over mid-test (minute boundary); then the next 30 are allowed again.
      const over = await vote('1', client);
      if (over.statusCode === 200) return expect(answers.every((s) => s === 200)).toBe(true);
      expect(answers.every((s) => s === 200)).toBe(true);
      expect(over.statusCode).toBe(429);
      expect(over.json().error).toBe('too_many_requests');
      const retry = Number(over.headers['retry-after']);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      const before = await ledger(h.pool);
      expect((await vote('1', client)).statusCode).toBe(429);
      expect(await ledger(h.pool)).toEqual(before);
      // Another client is not affected.
      expect((await vote('1', `${client}-other`)).statusCode).toBe(200);
    });

    it('limits a direct caller by its address whatever x-craftista-client it makes up (issue 20)', async () => {
      // A new unsigned, forged or foreign-secret identity on every vote was a new client each time.
      const forged = (i: number) =>
        [
          `made-up-${i}`,
          `c:${i}.not-a-signature`,
          signClientId('another-secret-0123456789abcdef01', `c:${i}`),
        ][i % 3]!;
      const answers = [];
      for (let i = 0; i < 61; i++) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/origamis/2/vote',
          headers: { 'x-craftista-client': forged(i) },
        });
        answers.push(res.statusCode);
      }
      // One address, one limit (30 a minute): 61 votes span at most two windows, so at most 60 count.
      expect(answers.filter((s) => s === 200).length).toBeLessThanOrEqual(60);
      expect(answers).toContain(429);
    });

    it('records only a hash of the client identity in the ledger', async () => {
      await vote('4', 'visible-client-id');
      const { rows } = await h.pool.query<{ client_hash: string }>(
        `select client_hash from vote_ledger where origami_id = '4' order by id desc limit 1`,
      );
      expect(rows[0]!.client_hash).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(rows[0]!.client_hash).not.toContain('visible');
    });

    it('creates an origami only with the admin token (401 without, 409 for a taken id, 400 for junk)', async () => {
      const post = (payload: unknown, token?: string) =>
        h.app.inject({
          method: 'POST',
          url: '/api/origamis',
          headers: token ? { authorization: `Bearer ${token}` } : {},
          payload: payload as object,
        });
      expect((await post({ id: 'swan', name: 'Origami Swan' })).statusCode).toBe(401);
      expect((await post({ id: 'swan', name: 'Origami Swan' }, 'wrong-token')).statusCode).toBe(401);
      const created = await post({ id: 'swan', name: 'Origami Swan' }, ADMIN_TOKEN);
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({ id: 'swan', name: 'Origami Swan', votes: 0 });
      expect((await post({ id: 'swan', name: 'Again' }, ADMIN_TOKEN)).statusCode).toBe(409);
      expect((await post({ id: 'owl', name: 'Owl', admin: true }, ADMIN_TOKEN)).statusCode).toBe(400);
      expect((await post({ id: "o'; drop table origami;--", name: 'x' }, ADMIN_TOKEN)).statusCode).toBe(400);
      // A NUL in the name was a 500 (PostgreSQL 22021); no value is coerced into another type.
      for (const junk of [
        { id: 'owl', name: 'Owl\u0000' },
        { id: 'owl', name: 'Owl', votes: null },
        { id: false, name: 'Owl' },
        { id: 'owl', name: 7 },
      ]) {
        const res = await post(junk, ADMIN_TOKEN);
        expect(res.statusCode, JSON.stringify(junk)).toBe(400);
      }
      expect((await h.app.inject('/api/origamis/owl')).statusCode).toBe(404);
      expect((await vote('swan', 'swan-fan')).json()).toEqual({ id: 'swan', name: 'Origami Swan', votes: 1 });
    });

    it('streams each committed count change as a Server-Sent Event', async () => {
      const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
      const stream = await openStream(`${address}/api/origamis/stream`);
      try {
        expect(stream.status).toBe(200);
        expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
        await expect.poll(() => stream.text()).toContain(': connected');
        const voted = (await vote('2', 'stream-fan')).json() as { votes: number };
        await expect
          .poll(() => stream.events(), { timeout: 5000 })
          .toContainEqual({ id: '2', votes: voted.votes });
      } finally {
        stream.close();
      }
    });

    it('describes its API in /openapi.json and reports health and metrics', async () => {
      const spec = (await h.app.inject('/openapi.json')).json();
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining(['/api/origamis', '/api/origamis/{id}', '/api/origamis/{id}/vote']),
      );
      expect((await h.app.inject('/livez')).statusCode).toBe(200);
      const ready = await h.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks.postgresql.status).toBe('up');
      expect((await h.app.inject('/metrics')).body).toMatch(
        /voting_votes_total\{outcome="counted",service="voting"\} \d+/,
      );
    });
  });
  return () => h;
}
