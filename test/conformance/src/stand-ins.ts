// Small servers that answer as the original services do (cases/original.json records it; the stand-ins' own
// test replays every case against them): the Flask catalogue, the Spring Boot voting service with numeric
// ids, no stream route and 500 on unknown ids, the Gin recommendation with `{name, description, image_url}`
// only. Data: the original's seed, as carried over in apps/catalogue/data and apps/recommendation/data.
import http from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { repoRoot } from '@craftista/testkit';

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface StandIn {
  url: string;
  /** Every request received, in order. */
  seen: Seen[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as T;
export const originalProducts = readJson<
  { id: string; name: string; description: string; image_url: string }[]
>('apps/catalogue/data/products.json');
const dailyOrigami = readJson<{ name: string; description: string; image_url: string }[]>(
  'apps/recommendation/data/daily-origami.json',
);

async function serve(handler: Handler): Promise<StandIn> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.once('end', () => handler(req, res, body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let closed: Promise<unknown> | undefined;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      if (!closed) {
        closed = once(server, 'close');
        server.close();
        server.closeAllConnections();
      }
      await closed;
    },
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, type = 'application/json') =>
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
const html = (res: http.ServerResponse, status: number, body: string) =>
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);

/** Flask: keys sorted, string ids; `/api/products/<int>` never matches the text ids (404). */
export function originalCatalogue(): Promise<StandIn> {
  const sorted = originalProducts.map(({ description, id, image_url, name }) => ({
    description,
    id,
    image_url,
    name,
  }));
  return serve((req, res) => {
    if (req.method === 'GET' && req.url === '/api/products') return json(res, 200, sorted);
    if (req.method === 'GET' && /^\/api\/products\/\d+$/.test(req.url ?? '')) {
      return json(res, 404, { message: 'Product not found' });
    }
    if (req.method === 'GET' && req.url === '/') {
      return html(res, 200, '<title>Products API</title><h1>Welcome to the Craftista Products API</h1>');
    }
    html(res, 404, '<h1>Not Found</h1>');
  });
}

/** Gin: a random pick per request, without id or date; status always "operational". */
export function originalRecommendation(): Promise<StandIn> {
  return serve((req, res) => {
    const gin = 'application/json; charset=utf-8';
    if (req.method === 'GET' && req.url === '/api/origami-of-the-day') {
      return json(res, 200, dailyOrigami[Math.floor(Math.random() * dailyOrigami.length)], gin);
    }
    if (req.method === 'GET' && req.url === '/api/recommendation-status') {
      return json(res, 200, { status: 'operational' }, gin);
    }
    if (req.method === 'GET' && req.url === '/') {
      return html(res, 200, '<h1>Welcome to Daily Origami Recommendation Service</h1>');
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  });
}

export interface VotingStandIn extends StandIn {
  votes(id: number): number;
}

/**
 * Spring Boot: `{id: <number>, name, votes}`, the origami synced from the original catalogue (ids 1..5). Any
 * POST body and Content-Type is accepted on the vote route; an unknown id is a 500 Spring error; there is
 * no /api/origamis/stream.
 */
export async function originalVoting(): Promise<VotingStandIn> {
  const origami = new Map(
    originalProducts.map((p) => [Number(p.id), { id: Number(p.id), name: p.name, votes: 0 }]),
  );
  const springError = (res: http.ServerResponse, status: number, error: string, where: string) =>
    json(res, status, { timestamp: new Date().toISOString(), status, error, path: where });
  const standIn = await serve((req, res, body) => {
    const url = req.url ?? '';
    const one = /^\/api\/origamis\/(\d+)(\/votes|\/vote)?$/.exec(url);
    if (req.method === 'GET' && url === '/api/origamis') return json(res, 200, [...origami.values()]);
    if (req.method === 'POST' && url === '/api/origamis') {
      // No validation, as the original: the generated id, whatever name and count were sent.
      let sent: { name?: string; votes?: number };
      try {
        sent = JSON.parse(body || '{}') as typeof sent;
      } catch {
        return springError(res, 400, 'Bad Request', url);
      }
      const created = { id: origami.size + 1, name: sent.name ?? '', votes: sent.votes ?? 0 };
      origami.set(created.id, created);
      return json(res, 200, created);
    }
    if (one) {
      const found = origami.get(Number(one[1]));
      if (req.method === 'GET' && one[2] === '/votes') return json(res, 200, found?.votes ?? 0);
      if ((req.method === 'GET' && !one[2]) || (req.method === 'POST' && one[2] === '/vote')) {
        if (!found) return springError(res, 500, 'Internal Server Error', url);
        if (req.method === 'POST') found.votes += 1;
        return json(res, 200, found);
      }
    }
    if (req.method === 'GET' && url === '/') {
      return html(res, 404, '<h1>Hello World !</h1><h2>Welcome to the Craftista Voting Service</h2>');
    }
    springError(res, 404, 'Not Found', url);
  });
  return Object.assign(standIn, { votes: (id: number) => origami.get(id)?.votes ?? 0 });
}
