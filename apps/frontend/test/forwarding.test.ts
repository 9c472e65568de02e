// What the frontend passes on to a backend: request id, trace context and the client identity.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyClientId } from '@craftista/http-client';
import { CLIENT_ID_SECRET, cookieOf, deadUrl, frontend, type TestFrontend } from './helpers.js';

let seen: http.IncomingHttpHeaders[] = [];
let server: http.Server;
let fe: TestFrontend;

beforeAll(async () => {
  // A real voting stand-in that records the headers of each vote.
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    const id = req.url?.split('/')[3] ?? '1';
    res.setHeader('content-type', 'application/json');
    res.end(req.method === 'POST' ? JSON.stringify({ id, name: 'Origami Crane', votes: 7 }) : '[]');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fe = await frontend({ catalogue: await deadUrl(), recommendation: await deadUrl(), voting: url });
});

afterAll(() => {
  fe.close();
  server.close();
});

it('forwards the request id, the trace context and the signed-cookie client id with a vote', async () => {
  const page = await request(fe.app).get('/fragments/products').set('cookie', '');
  expect(page.status).toBe(503); // catalogue down; the cookie is issued anyway
  const cookie = cookieOf(page.headers['set-cookie']);
  const clientId = cookie.split('=')[1]!.split('.')[0]!;
  seen = [];
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await request(fe.app)
    .post('/api/origamis/1/vote')
    .set('cookie', cookie)
    .set('x-request-id', 'req-123')
    .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
  expect(res.text).toBe('Vote recorded!');
  expect(res.headers['x-request-id']).toBe('req-123');
  expect(seen).toHaveLength(1);
  expect(seen[0]!['x-request-id']).toBe('req-123');
  // Signed with the secret voting shares, which trusts only signed identities.
  expect(seen[0]!['x-craftista-client']).toMatch(new RegExp(`^c:${clientId}\\.`));
  expect(verifyClientId(CLIENT_ID_SECRET, seen[0]!['x-craftista-client'])).toBe(`c:${clientId}`);
  expect(seen[0]!.traceparent).toContain(traceId);
});

it('falls back to the socket address for a client without a valid cookie', async () => {
  seen = [];
  await request(fe.app)
    .post('/api/origamis/1/vote')
    .set('cookie', 'craftista_client=forged.signature')
    .expect(200);
  expect(verifyClientId(CLIENT_ID_SECRET, seen[0]!['x-craftista-client'])).toMatch(
    /^ip:(::ffff:)?127\.0\.0\.1$/,
  );
});

it('forwards the request id, the trace context and the client id with the page’s reads', async () => {
  const page = await request(fe.app).get('/fragments/products').set('cookie', '');
  const cookie = cookieOf(page.headers['set-cookie']);
  const clientId = cookie.split('=')[1]!.split('.')[0]!;
  seen = [];
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const res = await request(fe.app)
    .get('/')
    .set('cookie', cookie)
    .set('x-request-id', 'page-456')
    .set('traceparent', `00-${traceId}-b7ad6b7169203331-01`);
  expect(res.status).toBe(200);
  expect(res.headers['x-request-id']).toBe('page-456');
  // The page reads the counts from voting (the tests' cache keeps nothing, so every page reads).
  const read = seen.find((headers) => headers['x-request-id'] === 'page-456');
  expect(verifyClientId(CLIENT_ID_SECRET, read?.['x-craftista-client'])).toBe(`c:${clientId}`);
  expect(read?.traceparent).toContain(traceId);
});
