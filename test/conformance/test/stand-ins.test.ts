// The suite checks itself: it sends each recorded request byte for byte, and the stand-ins answer every
// recorded request as the original did (status, media type, the shape of the body: numeric voting ids).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, mediaType, shapeDifferences, shortfalls, type Case } from '../src/cases.js';
import {
  originalCatalogue,
  originalRecommendation,
  originalVoting,
  type StandIn,
  type VotingStandIn,
} from '../src/stand-ins.js';
import { bytesSentFor, headersOf, send } from '../src/wire.js';

describe('the requests the suite sends', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s: exactly the recorded bytes', async (_id, c) => {
    const { baseUrl, bytes } = await bytesSentFor(c.request);
    const [head, body] = [
      bytes.slice(0, bytes.indexOf('\r\n\r\n')),
      bytes.slice(bytes.indexOf('\r\n\r\n') + 4),
    ];
    const [line, ...headers] = head.split('\r\n');
    expect(line).toBe(`${c.request.method} ${c.request.path} HTTP/1.1`);
    // Node adds Host and Connection; everything else is the recorded list, in order and spelling.
    expect(headers.filter((h) => !/^(host|connection):/i.test(h))).toEqual(
      headersOf(c.request, baseUrl).map(([name, value]) => `${name}: ${value}`),
    );
    expect(headers.some((h) => /^transfer-encoding:/i.test(h))).toBe(false);
    expect(body).toBe(c.request.body);
  });

  it("sends the original frontend's vote as axios 0.21.4 does: an empty form, Content-Length 0", async () => {
    const axiosVote = cases.find((c) => c.id === 'voting.vote.from-frontend')!;
    const { bytes } = await bytesSentFor(axiosVote.request);
    expect(bytes).toMatch(
      /^POST \/api\/origamis\/1\/vote HTTP\/1\.1\r\nAccept: application\/json, text\/plain, \*\/\*\r\nContent-Type: application\/x-www-form-urlencoded\r\nUser-Agent: axios\/0\.21\.4\r\nContent-Length: 0\r\n(Host|Connection): [^\r]+\r\n(Host|Connection): [^\r]+\r\n\r\n$/,
    );
  });
});

describe('the stand-ins answer every recorded request as the original did', () => {
  let standIns: { catalogue: StandIn; voting: VotingStandIn; recommendation: StandIn };
  beforeAll(async () => {
    const [catalogue, voting, recommendation] = await Promise.all([
      originalCatalogue(),
      originalVoting(),
      originalRecommendation(),
    ]);
    standIns = { catalogue, voting, recommendation };
  });
  afterAll(async () => {
    await Promise.all(Object.values(standIns).map((s) => s.close()));
  });

  const backendCases = cases.filter(
    (c): c is Case & { service: 'catalogue' | 'voting' | 'recommendation' } => c.service !== 'frontend',
  );
  it.each(backendCases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const before = c.needs?.counts ? standIns.voting.votes(Number(c.needs.counts)) : 0;
    const answer = await send(standIns[c.service].url, c.request);
    expect([answer.status, mediaType(answer)]).toEqual([c.original.status, c.original.type]);
    if (c.original.type === 'application/json') {
      expect(shapeDifferences(c.original.body, JSON.parse(answer.text))).toEqual([]);
    } else {
      expect(answer.text).toContain(c.original.body);
    }
    if (c.needs) expect(shortfalls({ ...c, ours: undefined }, answer)).toEqual([]);
    if (c.needs?.counts) expect(standIns.voting.votes(Number(c.needs.counts))).toBe(before + 1);
  });
});
