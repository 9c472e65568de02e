// The only code that knows PostgreSQL: queries for origami, votes, the ledger, rate windows and sync state.
import { StoreUnavailableError } from '@craftista/service-kit';
import { isPostgresUnavailable } from '@craftista/stores/postgres';
import type pg from 'pg';
import type { BatchResult, CatalogueApplied, CatalogueItem, OrigamiRepository, OrigamiRow } from './types.js';

export const VOTES_CHANNEL = 'origami_votes';
const SYNC_LOCK = 726_871_002;

export class PostgresOrigamiRepository implements OrigamiRepository {
  constructor(private readonly pool: pg.Pool) {}

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      if (isPostgresUnavailable(error)) throw new StoreUnavailableError('PostgreSQL', error);
      throw error;
    }
  }

  async list(sort: 'id' | 'votes'): Promise<OrigamiRow[]> {
    const order = sort === 'votes' ? 'votes desc, length(id), id' : 'length(id), id';
    const rows = await this.query<{ id: string; name: string; votes: string }>(
      `select id, name, votes from origami where active order by ${order}`,
    );
    return rows.map(toOrigami);
  }

  async get(id: string): Promise<OrigamiRow | undefined> {
    const rows = await this.query<{ id: string; name: string; votes: string }>(
      'select id, name, votes from origami where id = $1',
      [id],
    );
    return rows[0] && toOrigami(rows[0]);
  }

  /** Inserts a new origami; undefined when the id is taken. */
  async create(item: { id: string; name: string; votes?: number }): Promise<OrigamiRow | undefined> {
    const rows = await this.query<{ id: string; name: string; votes: string }>(
      `insert into origami (id, name, votes, initial_votes, source) values ($1, $2, $3, $3, 'admin')
       on conflict (id) do nothing returning id, name, votes`,
      [item.id, item.name, item.votes ?? 0],
    );
    return rows[0] && toOrigami(rows[0]);
  }

  /**
   * Applies every queued vote for one origami in ONE statement (hence one transaction): counts each client's
   * votes against its per-minute window, adds the accepted ones to the count, writes one ledger row per
   * accepted vote and notifies listeners. Committed when this resolves.
   */
  async applyVotes(origamiId: string, clientHashes: string[], limit: number): Promise<BatchResult> {
    const perClient = new Map<string, number>();
    for (const hash of clientHashes) perClient.set(hash, (perClient.get(hash) ?? 0) + 1);
    // A fixed order of rate rows: concurrent batches (other origami, other replicas) lock them alike.
    const clients = [...perClient.keys()].sort();
    const counts = clients.map((c) => perClient.get(c)!);
    const rows = await this.query<{
      name: string | null;
      votes: string | null;
      accepted: { c: string; a: number }[] | null;
      retry_after: string;
    }>(
      `with target as (
         select id, name from origami where id = $1 and active
       ),
       asked as (
         select client_hash, k from unnest($2::text[], $3::int[]) as t(client_hash, k)
       ),
       rate as (
         insert into vote_rate as r (client_hash, window_start, n)
         select asked.client_hash, date_trunc('minute', now()), asked.k from asked, target
         order by asked.client_hash
         on conflict (client_hash) do update
           set n = case when r.window_start = excluded.window_start then r.n + excluded.n else excluded.n end,
               window_start = excluded.window_start
         returning r.client_hash, r.n
       ),
       accepted as (
         select rate.client_hash, greatest(0, least(asked.k, $4::int - (rate.n - asked.k)))::int as a
         from rate join asked using (client_hash)
       ),
       bumped as (
         update origami o set votes = o.votes + (select sum(a) from accepted), updated_at = now()
         from target
         where o.id = target.id and (select sum(a) from accepted) > 0
         returning o.votes
       ),
       ledger as (
         insert into vote_ledger (origami_id, client_hash)
         select $1, accepted.client_hash from accepted, generate_series(1, accepted.a)
         where exists (select 1 from bumped)
       ),
       notified as (
         select pg_notify('${VOTES_CHANNEL}', json_build_object('id', $1::text, 'votes', votes)::text) from bumped
       )
       select (select name from target) as name,
              coalesce((select votes from bumped), (select votes from origami where id = $1)) as votes,
              (select json_agg(json_build_object('c', client_hash, 'a', a)) from accepted) as accepted,
              (select count(*) from notified) as notified,
              ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp()))
                as retry_after`,
      [origamiId, clients, counts, limit],
    );
    const row = rows[0]!;
    return {
      found: row.name !== null,
      name: row.name ?? '',
      votes: Number(row.votes ?? 0),
      accepted: new Map((row.accepted ?? []).map(({ c, a }) => [c, a])),
      retryAfterSec: Math.max(1, Number(row.retry_after)),
    };
  }

  /** Votes in the ledger for one origami over the last `hours`; undefined when there is no such origami. */
  async recentVotes(id: string, hours: number): Promise<number | undefined> {
    const rows = await this.query<{ n: string }>(
      `select count(l.id) as n from origami o
       left join vote_ledger l on l.origami_id = o.id and l.cast_at >= now() - make_interval(hours => $2)
       where o.id = $1 group by o.id`,
      [id, hours],
    );
    return rows[0] ? Number(rows[0].n) : undefined;
  }

  /** Drops rate windows that ended (keeps the table as small as the set of recent voters). */
  async pruneRateWindows(): Promise<number> {
    const rows = await this.query<{ n: string }>(
      `with gone as (delete from vote_rate where window_start < date_trunc('minute', now()) returning 1)
       select count(*) as n from gone`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async lastSync(): Promise<{ at: Date; items: number } | undefined> {
    const rows = await this.query<{ last_success_at: Date; items: number }>(
      'select last_success_at, items from catalogue_sync',
    );
    return rows[0] && { at: rows[0].last_success_at, items: rows[0].items };
  }

  /**
   * Applies a catalogue snapshot in one transaction under an advisory lock: new items with 0 votes, new
   * names and images for known ones, vanished catalogue items marked inactive (never deleted, votes kept).
   * Returns undefined when another replica holds the lock (it is syncing right now).
   */
  async applyCatalogue(items: CatalogueItem[]): Promise<CatalogueApplied | undefined> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailableError('PostgreSQL', error);
    }
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const locked = await client.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [
        SYNC_LOCK,
      ]);
      if (!locked.rows[0]?.ok) {
        await client.query('rollback');
        return undefined;
      }
      const ids = items.map((i) => i.id);
      const upsert = (batch: CatalogueItem[]) =>
        client.query<{ inserted: boolean }>(
          `insert into origami as o (id, name, image_url, source)
           select * , 'catalogue' from unnest($1::text[], $2::text[], $3::text[])
           on conflict (id) do update
             set name = excluded.name, image_url = excluded.image_url, active = true, source = 'catalogue',
                 updated_at = now()
             where (o.name, o.image_url, o.active, o.source)
               is distinct from (excluded.name, excluded.image_url, true, 'catalogue')
           returning (xmax = 0) as inserted`,
          [batch.map((i) => i.id), batch.map((i) => i.name), batch.map((i) => i.image_url ?? null)],
        );
      // All at once; when PostgreSQL refuses a value (a data exception, e.g. 22021 for a NUL), item by
      // item, each behind a savepoint, so one bad product is skipped and the rest still applied.
      const rows: { inserted: boolean }[] = [];
      const skipped: { id: string; reason: string }[] = [];
      await client.query('savepoint catalogue_all');
      try {
        rows.push(...(await upsert(items)).rows);
      } catch (error) {
        if (!isDataException(error)) throw error;
        await client.query('rollback to savepoint catalogue_all');
        for (const item of items) {
          await client.query('savepoint catalogue_item');
          try {
            rows.push(...(await upsert([item])).rows);
          } catch (itemError) {
            if (!isDataException(itemError)) throw itemError;
            await client.query('rollback to savepoint catalogue_item');
            skipped.push({ id: item.id, reason: (itemError as Error).message });
          }
        }
      }
      const upserted = { rows };
      const retired = await client.query(
        `update origami set active = false, updated_at = now()
         where source = 'catalogue' and active and id <> all($1::text[])`,
        [ids],
      );
      await client.query(
        `insert into catalogue_sync (last_success_at, items) values (now(), $1)
         on conflict (singleton) do update set last_success_at = excluded.last_success_at, items = excluded.items`,
        [items.length - skipped.length],
      );
      await client.query('commit');
      const inserted = upserted.rows.filter((r) => r.inserted).length;
      return {
        inserted,
        updated: upserted.rows.length - inserted,
        retired: retired.rowCount ?? 0,
        skipped,
      };
    } catch (error) {
      broken = error as Error;
      await client.query('rollback').catch(() => undefined);
      if (isPostgresUnavailable(error)) throw new StoreUnavailableError('PostgreSQL', error);
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than handed to the next caller.
      client.release(broken);
    }
  }
}

/** SQLSTATE class 22: PostgreSQL refused a value (not the connection, not a conflict). */
const isDataException = (error: unknown): boolean =>
  typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('22');

const toOrigami = (r: { id: string; name: string; votes: string }): OrigamiRow => ({
  id: r.id,
  name: r.name,
  votes: Number(r.votes),
});
