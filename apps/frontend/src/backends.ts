// Everything the frontend asks of the three backends, through the shared HTTP client: each call has its
// own deadline (retries included), answers are validated with the shared contracts, and reads are cached
// briefly so a busy page costs the backends about one call per TTL.
import {
  OrigamiId,
  OrigamiOfTheDay,
  Product,
  RecommendationStatus,
  VoteEvent,
  z,
} from '@craftista/contracts';
import { AxiosError, createHttpClient, type AxiosInstance } from '@craftista/http-client';
import { ReadCache, type Result } from './cache.js';

export type { Result } from './cache.js';
export type VoteCounts = ReadonlyMap<string, number>;

export type VoteOutcome =
  | { kind: 'recorded'; id: string; name: string; votes: number }
  | { kind: 'not_found' }
  | { kind: 'rate_limited'; retryAfterSec: number }
  | { kind: 'unavailable'; error: string };

export interface BackendUrls {
  catalogue: string;
  voting: string;
  recommendation: string;
}

export interface BackendOptions {
  urls: BackendUrls;
  /** Deadline of one backend call, retries included. */
  timeoutMs: number;
  cacheTtlMs: number;
}

/** Voting answers `{id, name, votes}`; ids are JSON numbers from the original voting service. */
export const VotingOrigami = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().optional(),
  votes: z.number().int().nonnegative(),
});

function describe(error: unknown): string {
  if (error instanceof AxiosError) {
    if (error.response) return `HTTP ${error.response.status}`;
    return error.code ?? error.message;
  }
  if (error instanceof z.ZodError) return 'unexpected answer';
  return (error as Error).message ?? String(error);
}

export class Backends {
  readonly catalogue: AxiosInstance;
  readonly voting: AxiosInstance;
  readonly recommendation: AxiosInstance;
  private readonly cache: ReadCache;
  private readonly timeoutMs: number;

  constructor(readonly options: BackendOptions) {
    this.timeoutMs = options.timeoutMs;
    const client = (baseURL: string) =>
      createHttpClient({ baseURL, timeoutMs: options.timeoutMs, retries: 1, backoffMs: 50 });
    this.catalogue = client(options.urls.catalogue);
    this.voting = client(options.urls.voting);
    this.recommendation = client(options.urls.recommendation);
    this.cache = new ReadCache(options.cacheTtlMs);
  }

  /** GET with a deadline that covers every retry, then validation; never throws. */
  private async read<T>(
    client: AxiosInstance,
    path: string,
    parse: (data: unknown) => T,
  ): Promise<Result<T>> {
    try {
      const res = await client.get(path, { signal: AbortSignal.timeout(this.timeoutMs) });
      return { ok: true, value: parse(res.data) };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  }

  /** The catalogue's products; invalid entries are left out rather than failing the whole list. */
  products(): Promise<Result<Product[]>> {
    return this.cache.get('products', () =>
      this.read(this.catalogue, '/api/products', (data) => {
        if (!Array.isArray(data)) throw new z.ZodError([]);
        return data.flatMap((item) => {
          const parsed = Product.safeParse(item);
          return parsed.success ? [parsed.data] : [];
        });
      }),
    );
  }

  /** Every origami's count from the voting service; success also means "voting is up". */
  votes({ fresh = false } = {}): Promise<Result<VoteCounts>> {
    return this.cache.get(
      'votes',
      () =>
        this.read(this.voting, '/api/origamis', (data) => {
          const list = z.array(VotingOrigami).parse(data);
          return new Map(list.map((o) => [o.id, o.votes]));
        }),
      { fresh },
    );
  }

  dailyOrigami(): Promise<Result<OrigamiOfTheDay>> {
    return this.cache.get('daily', () =>
      this.read(this.recommendation, '/api/origami-of-the-day', (data) => OrigamiOfTheDay.parse(data)),
    );
  }

  recommendationStatus(): Promise<Result<string>> {
    return this.cache.get('recommendation-status', () =>
      this.read(
        this.recommendation,
        '/api/recommendation-status',
        (data) => RecommendationStatus.parse(data).status,
      ),
    );
  }

  /** One origami's count, straight from voting (the original's bare-integer proxy). */
  async voteCount(id: string): Promise<Result<number>> {
    return this.read(this.voting, `/api/origamis/${encodeURIComponent(id)}/votes`, (data) =>
      z.coerce.number().int().nonnegative().parse(data),
    );
  }

  /** Casts one vote; the client identity travels in the request context (x-craftista-client). */
  async vote(id: string): Promise<VoteOutcome> {
    if (!OrigamiId.safeParse(id).success) return { kind: 'not_found' };
    try {
      // No body, and no Content-Type announcing one (Fastify answers 415 to a typed empty body).
      const res = await this.voting.post(`/api/origamis/${encodeURIComponent(id)}/vote`, undefined, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { 'content-type': false },
      });
      const origami = VotingOrigami.parse(res.data);
      this.applyVote({ id: origami.id, votes: origami.votes });
      return { kind: 'recorded', id: origami.id, name: origami.name ?? '', votes: origami.votes };
    } catch (error) {
      if (error instanceof AxiosError && error.response?.status === 404) return { kind: 'not_found' };
      if (error instanceof AxiosError && error.response?.status === 429) {
        const retryAfter = Number(error.response.headers['retry-after']);
        return { kind: 'rate_limited', retryAfterSec: Number.isFinite(retryAfter) ? retryAfter : 1 };
      }
      return { kind: 'unavailable', error: describe(error) };
    }
  }

  /** Keeps the cached counts current with a vote seen here or on the voting stream. */
  applyVote(event: VoteEvent): void {
    this.cache.update<VoteCounts>('votes', (counts) => {
      if ((counts.get(event.id) ?? -1) >= event.votes) return counts;
      return new Map(counts).set(event.id, event.votes);
    });
  }
}
