// npm run bench -w @craftista/voting: POST vote (votes/s, p99, exact counts) and GET list (req/s) against the
// service running as a process on a throwaway PostgreSQL, next to a bare Fastify route in the same run.
// Targets (2 cores): >= 3,000 votes/s with exact counts; list >= 0.4 x bare Fastify; RSS <= 120 MB.
import { signClientId } from '@craftista/http-client';
import {
  buildForBench,
  compare,
  load,
  printResults,
  startBareFastify,
  startPostgres,
  startService,
  rssVerdict,
} from '@craftista/testkit';
import pg from 'pg';

buildForBench('@craftista/voting');

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const BENCH_CLIENT_SECRET = 'bench-client-id-secret-0123456789abcdef';
const postgres = process.env.DATABASE_URL ? undefined : await startPostgres();
const url = process.env.DATABASE_URL ?? postgres!.url;
const bare = await startBareFastify();
const voting = await startService('apps/voting/dist/main.js', {
  env: {
    DATABASE_URL: url,
    VOTE_LIMIT_PER_MINUTE: '100000000',
    CLIENT_ID_SECRET: BENCH_CLIENT_SECRET,
    CATALOGUE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  },
});
const pool = new pg.Pool({ connectionString: url, max: 1 });
const votesOf = async () =>
  Number((await pool.query<{ votes: string }>(`select votes from origami where id = '1'`)).rows[0]!.votes);
try {
  // Warm-up (JIT, pool connections), not measured.
  const warm = { durationSec: 2, connections };
  await load('warm-up', `${bare.url}/bare`, warm);
  await load('warm-up', `${voting.url}/api/origamis`, warm);
  await load('warm-up', `${voting.url}/api/origamis/2/vote`, { ...warm, method: 'POST' });
  const idleMemory = voting.memory();
  // The kit's own per-request cost on this process (/livez), for reading the other rows.
  const [baseline, livez, list] = await compare(
    [
      { label: 'bare fastify GET /bare', url: `${bare.url}/bare`, options: { connections } },
      { label: 'GET /livez (kit, no I/O)', url: `${voting.url}/livez`, options: { connections } },
      { label: 'GET /api/origamis', url: `${voting.url}/api/origamis`, options: { connections } },
    ],
    { durationSec },
  );
  const before = await votesOf();
  const votes = await load('POST /api/origamis/1/vote', `${voting.url}/api/origamis/1/vote`, {
    durationSec,
    connections,
    method: 'POST',
    // Signed as the frontend signs it, so the bench pays for verifying the identity as production does.
    headers: { 'x-craftista-client': signClientId(BENCH_CLIENT_SECRET, 'c:bench') },
  });
  const stored = (await votesOf()) - before;
  const metrics = await (await fetch(`${voting.url}/metrics`)).text();
  const batches = Number(/voting_vote_batches_total\{[^}]*\} (\d+)/.exec(metrics)?.[1]);
  const memory = voting.memory();
  printResults(
    `voting (${connections} connections, ${durationSec} s each; reads in alternating rounds)`,
    [baseline, livez, list, votes],
    baseline,
  );
  const ok = votes.total - votes.non2xx - votes.errors;
  const ratio = list.reqPerSec / baseline.reqPerSec;
  const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');
  console.log(
    `votes: ${votes.reqPerSec}/s, p99 ${votes.p99Ms} ms (target >= 3000/s) ${verdict(votes.reqPerSec >= 3000)}`,
  );
  // autocannon stops at the deadline without reading the answers still in flight (at most one per
  // connection): those votes are stored but not counted as 200 here. The exact-count proof is the
  // reliability test, which reads every answer.
  const exact = votes.errors === 0 && votes.non2xx === 0 && stored >= ok && stored - ok <= connections;
  console.log(
    `exact: ${ok} answered 200, ${stored} stored, ${stored - ok} in flight at the cut-off (<= ${connections}) ${verdict(exact)}; ` +
      `${batches} statements for ${stored} votes (${(stored / batches).toFixed(1)} votes per statement)`,
  );
  console.log(`list/bare = ${ratio.toFixed(2)} (target >= 0.40) ${verdict(ratio >= 0.4)}`);
  const bareMemory = bare.memory();
  console.log(
    `voting RSS idle ${idleMemory.rssMiB} MiB, after load ${memory.rssMiB} MiB, ${rssVerdict(memory.peakMiB)}; ` +
      `bare Fastify (plain node): RSS ${bareMemory.rssMiB} MiB, peak ${bareMemory.peakMiB} MiB`,
  );
} finally {
  await pool.end();
  await Promise.all([bare.stop(), voting.stop()]);
  await postgres?.dispose();
}
