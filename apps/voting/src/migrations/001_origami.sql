-- Origami and their vote counts. Ids are the catalogue's string ids.
create table origami (
  id            text primary key,
  name          text not null,
  image_url     text,
  votes         bigint not null default 0 check (votes >= 0),
  -- Votes given at creation through the admin API: votes = initial_votes + rows in vote_ledger.
  initial_votes bigint not null default 0 check (initial_votes >= 0),
  -- 'catalogue' rows follow the catalogue sync; 'admin' rows were created through POST /api/origamis.
  source        text not null default 'catalogue' check (source in ('catalogue', 'admin')),
  -- false once the item vanished from the catalogue; its votes are kept.
  active        boolean not null default true,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create index origami_leaderboard on origami (votes desc, id) where active;

-- One row per accepted vote, written in the same statement as the count.
create table vote_ledger (
  id          bigint generated always as identity primary key,
  origami_id  text not null references origami (id),
  cast_at     timestamptz not null default now(),
  client_hash text not null
);
create index vote_ledger_origami_time on vote_ledger (origami_id, cast_at);

-- Per-client vote counter for the current minute (fixed window), shared by every replica.
create table vote_rate (
  client_hash  text primary key,
  window_start timestamptz not null,
  n            integer not null
);

-- What the last successful catalogue sync did; one row.
create table catalogue_sync (
  singleton      boolean primary key default true check (singleton),
  last_success_at timestamptz not null,
  items          integer not null
);
