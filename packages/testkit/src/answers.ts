// What a service answered and logged, for tests that go over real HTTP: a service's cached routes are
// answered by its server before Fastify, so `inject` (which calls Fastify directly) never reaches them.
import { Writable } from 'node:stream';

/** Written by Node per connection, whoever answers. */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** One request with fetch: the response, its body, and its header names (sorted) less the per-connection ones. */
export async function fetchAnswer(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  const names: string[] = [];
  // forEach, not keys(): workspaces whose lib has no DOM.Iterable type-check this file too.
  res.headers.forEach((_value, name) => {
    if (!PER_CONNECTION.has(name)) names.push(name);
  });
  return { res, body, names };
}

/** An answer's headers by name (per-connection ones left out), less those named in `except`. */
export function headersOf(answer: { res: Response; names: string[] }, except: string[] = []) {
  return Object.fromEntries(
    answer.names.filter((n) => !except.includes(n)).map((n) => [n, answer.res.headers.get(n)]),
  );
}

/** A log destination (a service's `logDestination`) keeping each JSON line. */
export function logCollector() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  /** The first line with `reqId`, waiting up to a second for it to be written. */
  const lineOf = async (reqId: string): Promise<Record<string, unknown>> => {
    for (let waited = 0; waited < 1000; waited += 10) {
      const line = lines.find((l) => l.reqId === reqId);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no log line with reqId ${reqId} in ${JSON.stringify(lines)}`);
  };
  return { lines, destination, lineOf };
}
