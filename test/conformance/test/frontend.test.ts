// (b) Our frontend in front of stand-ins that answer as the original services do (numeric voting ids, no
// /api/origamis/stream, `{name, description, image_url}` only, 500 on unknown ids): the original page's
// requests get what they need, the page keeps its Vote buttons with Voting "Up", and votes are counted.
import { startService, type ServiceProcess } from '@craftista/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesOf, shortfalls } from '../src/cases.js';
import {
  originalCatalogue,
  originalRecommendation,
  originalVoting,
  type StandIn,
  type VotingStandIn,
} from '../src/stand-ins.js';
import { send } from '../src/wire.js';

let catalogue: StandIn;
let recommendation: StandIn;
let voting: VotingStandIn;
let frontend: ServiceProcess;

beforeAll(async () => {
  [catalogue, recommendation, voting] = await Promise.all([
    originalCatalogue(),
    originalRecommendation(),
    originalVoting(),
  ]);
  frontend = await startService('apps/frontend/src/main.ts', {
    env: { CATALOGUE_URL: catalogue.url, VOTING_URL: voting.url, RECOMMENDATION_URL: recommendation.url },
    timeoutMs: 120_000,
  });
}, 180_000);

afterAll(async () => {
  await frontend?.stop();
  await Promise.all([catalogue, recommendation, voting].map((s) => s?.close()));
});

/** What a browser sees of the server-rendered page. */
async function visit(path = '/') {
  const res = await fetch(new URL(path, frontend.url), { redirect: 'manual' });
  const html = await res.text();
  return {
    cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!,
    csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    cards: [...html.matchAll(/<article class="product" id="origami-([^"]+)"/g)].map((m) => m[1]),
    visibleVoteForms: [...html.matchAll(/<form class="vote-form"[^>]*>/g)].filter(
      (m) => !m[0].includes(' hidden'),
    ).length,
    votingBox: /<li class="status-box (up|down)" id="status-voting">[\s\S]*?<p class="state">([^<]+)</
      .exec(html)
      ?.slice(1),
    count: (id: string) => new RegExp(`id="votes-${id}">Votes: <span class="count">([^<]*)<`).exec(html)?.[1],
  };
}

/** Our frontend's own event stream, as the page's EventSource reads it. */
async function listen() {
  const controller = new AbortController();
  const res = await fetch(new URL('/api/origamis/stream', frontend.url), { signal: controller.signal });
  let text = '';
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
  })().catch(() => undefined);
  return { text: () => text, close: () => controller.abort() };
}

describe("the original page script's requests to our frontend on original-shaped backends", () => {
  it.each(casesOf('frontend').map((c) => [c.id, c.source, c] as const))(
    '%s (%s)',
    async (_id, _source, c) => {
      const before = c.needs?.counts ? voting.votes(Number(c.needs.counts)) : 0;
      const answer = await send(frontend.url, c.request);
      expect(shortfalls(c, answer)).toEqual([]);
      if (c.needs?.counts) expect(voting.votes(Number(c.needs.counts))).toBe(before + 1);
    },
  );
});

describe('our page in front of a voting service without a stream route', () => {
  it('shows a Vote button on every card and Voting "Up", also after the stream was refused', async () => {
    const stream = await listen();
    try {
      await expect
        .poll(() => voting.seen.filter((r) => r.path === '/api/origamis/stream').length, { timeout: 15_000 })
        .toBeGreaterThanOrEqual(1);
      await expect
        .poll(() => stream.text(), { timeout: 15_000 })
        .toContain('event: voting\ndata: {"status":"up"}');
      expect(stream.text()).not.toContain('"status":"down"');
      const page = await visit();
      expect(page.cards).toEqual(['1', '2', '3', '4', '5']);
      expect(page.visibleVoteForms).toBe(5);
      expect(page.votingBox).toEqual(['up', 'Up']);
    } finally {
      stream.close();
    }
  });

  it('counts a form vote at the stand-in, with the numeric id it answers, and shows the new count', async () => {
    const page = await visit();
    const before = voting.votes(2);
    const res = await fetch(new URL('/origamis/2/vote', frontend.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: page.csrf }),
    });
    expect([res.status, res.headers.get('location')]).toEqual([303, '/?voted=2#origami-2']);
    expect(voting.votes(2)).toBe(before + 1);
    const back = await visit('/?voted=2');
    expect(back.count('2')).toBe(String(before + 1));
    // What reached the stand-in: a body-less POST, which the original voting service accepts.
    const sent = voting.seen.filter((r) => r.method === 'POST' && r.path === '/api/origamis/2/vote').at(-1)!;
    expect(sent.headers['content-length'] ?? '0').toBe('0');
    expect(sent.headers['transfer-encoding']).toBeUndefined();
  });

  it("answers the page script's vote with the new count under the catalogue's string id", async () => {
    const page = await visit();
    const res = await fetch(new URL('/origamis/3/vote', frontend.url), {
      method: 'POST',
      headers: {
        cookie: page.cookie,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: page.csrf }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '3', votes: voting.votes(3) });
  });

  it('sends counts read from voting to open pages while there is no stream', async () => {
    const stream = await listen();
    try {
      await expect
        .poll(() => stream.text(), { timeout: 15_000 })
        .toContain('event: voting\ndata: {"status":"up"}');
      await fetch(new URL('/api/origamis/4/vote', voting.url), { method: 'POST' });
      await expect
        .poll(() => stream.text(), { timeout: 15_000 })
        .toMatch(new RegExp(`"id":"4","votes":${voting.votes(4)}`));
    } finally {
      stream.close();
    }
  });

  it('says Voting "Down" only when the original voting service itself fails', async () => {
    const stream = await listen();
    try {
      await voting.close();
      await expect
        .poll(() => stream.text(), { timeout: 15_000 })
        .toContain('event: voting\ndata: {"status":"down"}');
      // Pages read the counts through a one-second cache: the next reads fail too.
      await expect.poll(async () => (await visit()).votingBox, { timeout: 15_000 }).toEqual(['down', 'Down']);
      expect((await visit()).visibleVoteForms).toBe(0);
    } finally {
      stream.close();
    }
  });
});
