// A voting service without a live stream (the original has no /api/origamis/stream) or with a broken one is
// not down: the page keeps its Vote buttons, the frontend reads the counts instead, and only failing reads
// turn Voting "Down".
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadUrl, frontend, type TestFrontend } from './helpers.js';

/** A voting service on a real socket: numeric ids as the original's; what the stream route does is chosen per test. */
async function votingServer() {
  const state = {
    votes: 3,
    listFails: false,
    stream: 'absent' as 'absent' | 'broken' | 'open',
    streamRequests: 0,
    /** Open streams (mode 'open'), for a test to write events to. */
    open: [] as http.ServerResponse[],
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/api/origamis') {
      if (state.listFails) return res.writeHead(500).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify([{ id: 1, name: 'Origami Crane', votes: state.votes }]));
    }
    if (req.url === '/api/origamis/stream') {
      state.streamRequests += 1;
      if (state.stream === 'absent') return res.writeHead(404).end();
      if (state.stream === 'open') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': connected\n\n');
        return state.open.push(res);
      }
      // Broken: starts an event stream and drops the connection at once.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': connected\n\n');
      return res.destroy();
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Listens to the frontend's own event stream as a browser would; collects the raw text. */
async function listen(fe: TestFrontend) {
  const server = http.createServer(fe.app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http
      .get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/origamis/stream`, resolve)
      .on('error', reject),
  );
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  return {
    text: () => text,
    close: () => {
      res.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

const votingEvent = (status: string) => `event: voting\ndata: {"status":"${status}"}`;

describe.each(['absent', 'broken'] as const)('voting stream %s, voting itself up', (kind) => {
  let voting: Awaited<ReturnType<typeof votingServer>>;
  let fe: TestFrontend;
  let browser: Awaited<ReturnType<typeof listen>> | undefined;
  beforeAll(async () => {
    voting = await votingServer();
    voting.state.stream = kind;
    fe = await frontend({ catalogue: await deadUrl(), voting: voting.url, recommendation: await deadUrl() });
  });
  afterEach(() => browser?.close());
  afterAll(() => {
    fe.close();
    voting.close();
  });

  it('tells listening pages voting is up and never down, and sends counts read from voting as they change', async () => {
    browser = await listen(fe);
    await expect.poll(() => voting.state.streamRequests, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => browser!.text(), { timeout: 10_000 }).toContain(votingEvent('up'));
    expect(fe.voteStream.streaming).toBe(false);
    voting.state.votes = 4;
    await expect
      .poll(() => browser!.text(), { timeout: 10_000 })
      .toContain('event: snapshot\ndata: [{"id":"1","votes":4}]');
    expect(browser.text()).not.toContain(votingEvent('down'));
    expect(fe.voteStream.state).toBe('up');
  });

  it('shows Voting "Up" on the page and goes "Down" only when reading the counts fails', async () => {
    const page = await request(fe.app).get('/votingservice-status');
    expect(page.body).toEqual({ status: 'up', message: 'Voting Service is Online' });
    browser = await listen(fe);
    await expect.poll(() => browser!.text(), { timeout: 10_000 }).toContain(votingEvent('up'));
    voting.state.listFails = true;
    await expect.poll(() => browser!.text(), { timeout: 10_000 }).toContain(votingEvent('down'));
    voting.state.listFails = false;
    await expect
      .poll(() => browser!.text().split(votingEvent('down'))[1] ?? '', { timeout: 10_000 })
      .toContain(votingEvent('up'));
  });
});

describe('our voting says on its stream that its feed lost PostgreSQL', () => {
  it('reads the counts meanwhile, so failing reads turn Voting "Down", and "up" on the stream brings it back', async () => {
    const voting = await votingServer();
    voting.state.stream = 'open';
    const fe = await frontend({
      catalogue: await deadUrl(),
      voting: voting.url,
      recommendation: await deadUrl(),
    });
    const browser = await listen(fe);
    try {
      await expect.poll(() => fe.voteStream.streaming, { timeout: 10_000 }).toBe(true);
      await expect.poll(() => browser.text(), { timeout: 10_000 }).toContain(votingEvent('up'));
      voting.state.listFails = true;
      for (const res of voting.state.open) res.write('event: status\ndata: {"status":"down"}\n\n');
      await expect.poll(() => browser.text(), { timeout: 10_000 }).toContain(votingEvent('down'));
      expect(fe.voteStream.streaming).toBe(false);
      voting.state.listFails = false;
      for (const res of voting.state.open) res.write('event: status\ndata: {"status":"up"}\n\n');
      await expect
        .poll(() => browser.text().split(votingEvent('down'))[1] ?? '', { timeout: 10_000 })
        .toContain(votingEvent('up'));
      expect(fe.voteStream.streaming).toBe(true);
    } finally {
      browser.close();
      fe.close();
      voting.close();
    }
  });
});
