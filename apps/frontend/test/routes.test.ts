// The frontend against the real catalogue, recommendation and voting services (processes, embedded stores).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieOf, frontend, parsePage, startBackends, type Backend3, type TestFrontend } from './helpers.js';

let backends: Backend3;
let fe: TestFrontend;

beforeAll(async () => {
  backends = await startBackends();
  fe = await frontend(backends.urls);
  // Voting syncs the catalogue every second; wait until it knows the showcase.
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${backends.urls.voting}/api/origamis`);
    if (res.ok && ((await res.json()) as unknown[]).length >= 12) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 300_000);

afterAll(async () => {
  fe?.close();
  await backends?.stopAll();
});

/** A browser's first visit: the page, its cookie and the CSRF token in its forms. */
async function visit() {
  const res = await request(fe.app).get('/');
  return { res, cookie: cookieOf(res.headers['set-cookie']), page: parsePage(res.text) };
}

async function count(id: string): Promise<number> {
  const res = await request(fe.app).get(`/api/origamis/${id}/votes`);
  expect(res.status).toBe(200);
  return res.body as number;
}

describe('all three services up (stage 4)', () => {
  it('renders the origami of the day, the first 6 cards with counts and Vote buttons, and green boxes in order', async () => {
    const { res, page } = await visit();
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h2>Origami of the Day</h2>');
    expect(res.text).toMatch(/<h2 id="daily-origami-name">[^<]+<\/h2>/);
    expect(page.cards).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const id of page.cards) expect(page.votes(id)).toMatch(/^\d+$/);
    expect(page.visibleVoteForms).toBe(6);
    expect(page.statuses).toEqual([
      { name: 'Catalogue', state: 'up' },
      { name: 'Recommendation', state: 'up' },
      { name: 'Voting', state: 'up' },
    ]);
    expect(res.text).toContain('id="load-more" class="load-more" data-offset="6" href="/?show=12#origami-7"');
    expect(res.text).toContain('Origami Crane');
  });

  it('keeps the original JSON routes and shapes', async () => {
    const products = await request(fe.app).get('/api/products');
    expect(products.status).toBe(200);
    expect(products.body[0]).toMatchObject({
      id: '1',
      name: 'Origami Crane',
      image_url: '/static/images/origami/001-origami.png',
    });
    expect((await request(fe.app).get('/api/service-status')).body).toEqual({ Catalogue: 'up' });
    expect((await request(fe.app).get('/recommendation-status')).body).toEqual({
      status: 'up',
      message: 'Recommendation Service is Online',
    });
    expect((await request(fe.app).get('/votingservice-status')).body).toEqual({
      status: 'up',
      message: 'Voting Service is Online',
    });
    const daily = await request(fe.app).get('/daily-origami');
    expect(daily.body).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        image_url: expect.stringMatching(/^\/static\/images\/origami\/day\d\.png$/),
      }),
    );
    const votes = await request(fe.app).get('/api/origamis/1/votes');
    expect(votes.text).toMatch(/^\d+$/);
  });

  it('records an API vote with the original text answer and raises the count by one', async () => {
    const before = await count('2');
    const res = await request(fe.app).post('/api/origamis/2/vote');
    expect([res.status, res.text]).toEqual([200, 'Vote recorded!']);
    expect(await count('2')).toBe(before + 1);
  });

  it('refuses a vote a browser sends on behalf of another site', async () => {
    const before = await count('2');
    const byOrigin = await request(fe.app).post('/api/origamis/2/vote').set('origin', 'https://evil.example');
    const byFetchSite = await request(fe.app)
      .post('/api/origamis/2/vote')
      .set('sec-fetch-site', 'cross-site');
    expect([byOrigin.status, byFetchSite.status]).toEqual([403, 403]);
    expect(await count('2')).toBe(before);
  });

  it('counts a form vote (no JavaScript) with a valid CSRF token and redirects back to the card', async () => {
    const { cookie, page } = await visit();
    const before = await count('3');
    const res = await request(fe.app)
      .post('/origamis/3/vote')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: page.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?voted=3#origami-3');
    const back = await request(fe.app).get(res.headers.location!).set('cookie', cookie);
    expect(back.text).toContain('Thank you! Your vote for Origami Kangaroo was recorded.');
    expect(parsePage(back.text).votes('3')).toBe(String(before + 1));
  });

  it("refuses a form vote without the token or with another client's token, and counts nothing", async () => {
    const first = await visit();
    const second = await visit();
    const before = await count('3');
    const none = await request(fe.app)
      .post('/origamis/3/vote')
      .set('cookie', first.cookie)
      .type('form')
      .send({});
    const stolen = await request(fe.app)
      .post('/origamis/3/vote')
      .set('cookie', second.cookie)
      .type('form')
      .send({ _csrf: first.page.csrf });
    expect([none.status, none.headers.location]).toEqual([303, '/?vote_error=expired#origami-3']);
    expect([stolen.status, stolen.headers.location]).toEqual([303, '/?vote_error=expired#origami-3']);
    expect(await count('3')).toBe(before);
  });

  it("answers a script's form vote with the new count as JSON", async () => {
    const { cookie, page } = await visit();
    const before = await count('4');
    const res = await request(fe.app)
      .post('/origamis/4/vote')
      .set('cookie', cookie)
      .set('accept', 'application/json')
      .type('form')
      .send({ _csrf: page.csrf });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: '4', votes: before + 1 });
  });

  it('serves the next cards as an HTML fragment for infinite scroll', async () => {
    const res = await request(fe.app).get('/fragments/products?offset=6&limit=6');
    expect(res.status).toBe(200);
    expect(parsePage(res.text).cards).toEqual(['7', '8', '9', '10', '11', '12']);
    expect(res.headers['x-next-offset']).toBe('12');
    const shown = await request(fe.app).get('/?show=12');
    expect(parsePage(shown.text).cards).toHaveLength(12);
  });

  it('streams a vote to listeners of /api/origamis/stream', async () => {
    const server = http.createServer(fe.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get(`http://127.0.0.1:${port}/api/origamis/stream`, resolve).on('error', reject),
      );
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      res.setEncoding('utf8');
      let received = '';
      res.on('data', (chunk: string) => (received += chunk));
      // The snapshot arrives first; then a vote is announced with its new count.
      await expect.poll(() => received.includes('event: snapshot'), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => fe.voteStream.state, { timeout: 10_000 }).toBe('up');
      const before = await count('5');
      await request(fe.app).post('/api/origamis/5/vote').expect(200);
      await expect
        .poll(() => received.includes(`data: {"id":"5","votes":${before + 1}}`), { timeout: 10_000 })
        .toBe(true);
      res.destroy();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('limits votes per client and per address with 429 and Retry-After (issue 20: new cookies do not multiply votes)', async () => {
    const limited = await frontend(backends.urls, { voteRateLimit: 2 });
    try {
      const page = await request(limited.app).get('/');
      const cookie = cookieOf(page.headers['set-cookie']);
      const csrf = parsePage(page.text).csrf;
      const vote = () =>
        request(limited.app)
          .post('/origamis/6/vote')
          .set('cookie', cookie)
          .type('form')
          .send({ _csrf: csrf });
      expect((await vote()).status).toBe(303);
      expect((await vote()).status).toBe(303);
      const third = await vote();
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect(third.text).toContain('Too many votes');
      // A fresh cookie from the same address (GET / hands one to every cookie-less request) is refused too:
      // each new cookie used to be a new client, so one address got its limit once per cookie.
      for (let i = 0; i < 5; i++) {
        const other = await request(limited.app).get('/');
        const otherVote = await request(limited.app)
          .post('/origamis/6/vote')
          .set('cookie', cookieOf(other.headers['set-cookie']))
          .type('form')
          .send({ _csrf: parsePage(other.text).csrf });
        expect(otherVote.status).toBe(429);
      }
    } finally {
      limited.close();
    }
  });

  it('serves a page rendered once to many clients, each with a CSRF token of its own that works', async () => {
    const cached = await frontend(backends.urls, { cacheTtlMs: 60_000 });
    try {
      const first = await request(cached.app).get('/');
      const second = await request(cached.app).get('/');
      const [a, b] = [parsePage(first.text), parsePage(second.text)];
      expect(a.cards).toEqual(b.cards);
      expect(a.csrf).toBeDefined();
      expect(a.csrf).not.toBe(b.csrf);
      expect(first.text).not.toContain('csrf-slot-');
      const vote = await request(cached.app)
        .post('/origamis/1/vote')
        .set('cookie', cookieOf(second.headers['set-cookie']))
        .type('form')
        .send({ _csrf: b.csrf });
      expect(vote.headers.location).toBe('/?voted=1#origami-1');
    } finally {
      cached.close();
    }
  });

  it('answers the plain page and the product list with the headers every route has', async () => {
    // Whether a new visit is handed a cookie depends on how many this address has had this minute.
    const names = (res: { headers: Record<string, unknown> }) =>
      Object.keys(res.headers)
        .filter((name) => name !== 'set-cookie')
        .sort();
    const [plain, shown, products, status] = await Promise.all([
      request(fe.app).get('/').set('x-request-id', 'plain-1'),
      request(fe.app).get('/?show=6'),
      request(fe.app).get('/api/products'),
      request(fe.app).get('/api/service-status'),
    ]);
    expect(plain.headers['x-request-id']).toBe('plain-1');
    expect(names(plain)).toEqual(names(shown));
    expect(names(products)).toEqual(names(status));
    for (const name of ['content-security-policy', 'referrer-policy', 'x-frame-options', 'cache-control']) {
      expect(plain.headers[name]).toBe(shown.headers[name]);
    }
    expect(products.headers['content-security-policy']).toBe(status.headers['content-security-policy']);
    expect(products.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(plain.text.replace(/value="[^"]+"/g, '')).toBe(shown.text.replace(/value="[^"]+"/g, ''));
  });

  it('counts requests by route in /metrics', async () => {
    await request(fe.app).get('/');
    await request(fe.app).get('/api/products');
    const metrics = await request(fe.app).get('/metrics');
    expect(metrics.text).toMatch(
      /http_requests_total\{method="GET",route="\/",status_code="200",service="frontend"\} \d+/,
    );
    expect(metrics.text).toContain('route="/api/products",status_code="200"');
    expect(metrics.text).toContain('route="/api/origamis/:origamiId/vote"');
  });
});

describe('voting stopped (the other services still up)', () => {
  beforeAll(async () => {
    await backends.voting.stop();
  }, 60_000);

  it('renders the cards without Vote buttons, counts shown unavailable, and the Voting box red', async () => {
    const { res, page } = await visit();
    expect(res.status).toBe(200);
    expect(page.cards).toHaveLength(6);
    expect(page.visibleVoteForms).toBe(0);
    expect(page.votes('1')).toBe('n/a');
    expect(page.statuses).toEqual([
      { name: 'Catalogue', state: 'up' },
      { name: 'Recommendation', state: 'up' },
      { name: 'Voting', state: 'down' },
    ]);
    expect(res.text).toContain('<h2>Origami of the Day</h2>');
  });

  it('sends a form vote back to the page with a reason', async () => {
    const { cookie, page } = await visit();
    const res = await request(fe.app)
      .post('/origamis/1/vote')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: page.csrf });
    expect([res.status, res.headers.location]).toEqual([303, '/?vote_error=unavailable#origami-1']);
    const back = await request(fe.app).get(res.headers.location!).set('cookie', cookie);
    expect(back.text).toContain('Vote did not get registered. Try again later.');
    expect((await request(fe.app).get('/votingservice-status')).body.status).toBe('down');
  });
});
