// The page with backends that are down or hang: always 200, always in time, friendly fallbacks.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadUrl, frontend, hangingServer, parsePage, type TestFrontend } from './helpers.js';

describe('frontend alone (stage 1): every backend refuses connections', () => {
  let fe: TestFrontend;
  beforeAll(async () => {
    fe = await frontend({
      catalogue: await deadUrl(),
      voting: await deadUrl(),
      recommendation: await deadUrl(),
    });
  });
  afterAll(() => fe.close());

  it('renders the whole page with red status boxes in a fixed order and the friendly fallbacks', async () => {
    const started = performance.now();
    const res = await request(fe.app).get('/');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(res.status).toBe(200);
    const page = parsePage(res.text);
    expect(page.statuses).toEqual([
      { name: 'Catalogue', state: 'down' },
      { name: 'Recommendation', state: 'down' },
      { name: 'Voting', state: 'down' },
    ]);
    expect(res.text).toContain('<title>Craftista - Origami Marketplace</title>');
    expect(res.text).toContain('Craftista - Fold, Admire and Vote');
    expect(res.text).toContain('Sorry, the recommendation engine is not available at the moment.');
    expect(res.text).toContain('id="loading-message"');
    expect(res.text).toContain('Sample App created by School of Devops for DevOps Workshops.');
    expect(res.text).toContain(`&copy; ${new Date().getFullYear()} Initcron Systems Private Limited`);
    expect(res.text).toContain('<div class="version-circle" aria-label="Version 9.9.9">9.9.9</div>');
    expect(page.cards).toEqual([]);
  });

  it('answers the original status routes with 200 and "down"', async () => {
    expect((await request(fe.app).get('/api/service-status')).body).toEqual({ Catalogue: 'down' });
    expect((await request(fe.app).get('/recommendation-status')).body).toEqual({
      status: 'down',
      message: 'Recommendation Service is Offline',
    });
    expect((await request(fe.app).get('/votingservice-status')).body).toEqual({
      status: 'down',
      message: 'Voting Service is Offline',
    });
  });

  it('answers the original proxy routes with their 500 texts', async () => {
    const products = await request(fe.app).get('/api/products');
    expect([products.status, products.text]).toEqual([500, 'Error fetching products']);
    const daily = await request(fe.app).get('/daily-origami');
    expect([daily.status, daily.text]).toEqual([500, 'Error while fetching daily origami']);
    const votes = await request(fe.app).get('/api/origamis/1/votes');
    expect([votes.status, votes.text]).toEqual([500, 'Internal Server Error']);
    const vote = await request(fe.app).post('/api/origamis/1/vote');
    expect([vote.status, vote.text]).toEqual([500, 'Internal Server Error']);
  });

  it('is live and ready without any backend, and serves the images at / and /static', async () => {
    expect((await request(fe.app).get('/livez')).body).toEqual({ status: 'ok' });
    expect((await request(fe.app).get('/readyz')).status).toBe(200);
    const logo = await request(fe.app).get('/images/logo.png');
    expect([logo.status, logo.headers['content-type']]).toEqual([200, 'image/png']);
    const day = await request(fe.app).get('/static/images/origami/day1.png');
    expect([day.status, day.headers['content-type']]).toEqual([200, 'image/png']);
    expect(day.headers['cache-control']).toBe('public, max-age=3600');
    // A missing asset falls through to the plain 404, under either prefix; nothing outside public/ is served.
    for (const missing of ['/static/images/nope.png', '/images/nope.png', '/static/nope/x.png']) {
      const res = await request(fe.app).get(missing);
      expect([res.status, res.text], missing).toEqual([404, 'ERROR 404 - Not Found on This Server']);
    }
    for (const escape of ['/images/..%2f..%2fpackage.json', '/static/images/%2e%2e/%2e%2e/package.json']) {
      const res = await request(fe.app).get(escape);
      expect(res.status, escape).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toContain('@craftista/frontend');
    }
  });

  it('answers unknown paths with the original plain-text 404', async () => {
    const res = await request(fe.app).get('/unknown-route');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('ERROR 404 - Not Found on This Server');
  });
});

describe('every backend hangs (accepts, never answers)', () => {
  let fe: TestFrontend;
  let hang: Awaited<ReturnType<typeof hangingServer>>;
  beforeAll(async () => {
    hang = await hangingServer();
    fe = await frontend(
      { catalogue: hang.url, voting: hang.url, recommendation: hang.url },
      { timeoutMs: 800, cacheTtlMs: 1000 },
    );
  });
  afterAll(async () => {
    fe.close();
    await hang.close();
  });

  it('still renders the page within 1.5 s, with the hanging services shown down', async () => {
    const started = performance.now();
    const res = await request(fe.app).get('/');
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeLessThan(1500);
    expect(parsePage(res.text).statuses.map((s) => s.state)).toEqual(['down', 'down', 'down']);
    expect(hang.requests()).toBeGreaterThanOrEqual(4);
  });

  it('shares one backend call among concurrent pages and caches the failure briefly', async () => {
    const before = hang.requests();
    const started = performance.now();
    const pages = await Promise.all(Array.from({ length: 20 }, () => request(fe.app).get('/')));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(pages.every((p) => p.status === 200)).toBe(true);
    // Four reads per page, each asked at most once (plus one retry) for all twenty pages.
    expect(hang.requests() - before).toBeLessThanOrEqual(8);
  });

  it('answers a vote within the deadline instead of hanging', async () => {
    const started = performance.now();
    const res = await request(fe.app).post('/api/origamis/1/vote');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(res.status).toBe(500);
  });
});
