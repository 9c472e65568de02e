#!/usr/bin/env node
// `npm run dev`: the whole system on this machine, in watch mode, with readable prefixed logs.
// Stores come from docker compose when a Docker engine answers (or CRAFTISTA_STORES=compose), otherwise the
// apps use their embedded stores (in-memory catalogue, PGlite voting, in-process recommendation).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();
const env = process.env;
const ports = {
  frontend: Number(env.FRONTEND_PORT ?? 3000),
  catalogue: Number(env.CATALOGUE_PORT ?? 5000),
  voting: Number(env.VOTING_PORT ?? 8080),
  recommendation: Number(env.RECOMMENDATION_PORT ?? 8081),
};
const colours = { catalogue: 36, voting: 35, recommendation: 33, frontend: 32, stores: 34, dev: 1 };
const say = (name, line) =>
  process.stdout.write(`\x1b[${colours[name]}m${name.padEnd(14)}\x1b[0m| ${line}\n`);

function dockerAnswers() {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    timeout: 5000,
    stdio: 'pipe',
  });
  return result.status === 0;
}

const mode = env.CRAFTISTA_STORES ?? (dockerAnswers() ? 'compose' : 'embedded');
const composeArgs = ['compose', '-f', 'docker/compose.yaml', '-f', 'docker/compose.dev.yaml'];
const storeEnv = {};
if (mode === 'compose') {
  say(
    'stores',
    'starting MongoDB 7, PostgreSQL 16 and Redis 7 with docker compose and waiting until healthy...',
  );
  const up = spawnSync(
    'docker',
    [...composeArgs, 'up', '--detach', '--wait', 'mongodb', 'postgres', 'redis'],
    { cwd: root, stdio: 'inherit' },
  );
  if (up.status !== 0) {
    say(
      'stores',
      'docker compose could not start the stores; run with CRAFTISTA_STORES=embedded to use embedded stores',
    );
    process.exit(1);
  }
  Object.assign(storeEnv, {
    MONGODB_URL: 'mongodb://127.0.0.1:27017/catalogue',
    DATABASE_URL: 'postgres://voting:voting@127.0.0.1:5432/voting',
    REDIS_URL: 'redis://127.0.0.1:6379',
  });
} else if (mode === 'embedded') {
  say(
    'stores',
    'no Docker engine: using embedded stores (in-memory catalogue, PGlite voting, in-process recommendation); data is not kept. For real stores start Docker, or set CRAFTISTA_STORES=compose, or set MONGODB_URL/DATABASE_URL/REDIS_URL.',
  );
} else {
  say('dev', `CRAFTISTA_STORES must be "compose" or "embedded", not "${mode}"`);
  process.exit(2);
}

const local = (port) => `http://127.0.0.1:${port}`;
const apps = {
  catalogue: { PORT: ports.catalogue, ...(storeEnv.MONGODB_URL && { MONGODB_URL: storeEnv.MONGODB_URL }) },
  voting: {
    PORT: ports.voting,
    CATALOGUE_URL: local(ports.catalogue),
    ...(storeEnv.DATABASE_URL && { DATABASE_URL: storeEnv.DATABASE_URL }),
  },
  recommendation: {
    PORT: ports.recommendation,
    ...(storeEnv.REDIS_URL && { REDIS_URL: storeEnv.REDIS_URL }),
  },
  frontend: {
    PORT: ports.frontend,
    CATALOGUE_URL: local(ports.catalogue),
    VOTING_URL: local(ports.voting),
    RECOMMENDATION_URL: local(ports.recommendation),
  },
};

/** Pino JSON lines become `LEVEL message key=value`; anything else passes through. */
function readable(line) {
  if (!line.startsWith('{')) return line;
  try {
    const { level, time, msg, service: _s, version: _v, pid: _p, hostname: _h, ...rest } = JSON.parse(line);
    const name =
      { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }[level] ?? level;
    const extras = Object.entries(rest)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return `${new Date(time ?? Date.now()).toISOString().slice(11, 19)} ${name} ${msg ?? ''} ${extras}`.trimEnd();
  } catch {
    return line;
  }
}

// The frontend signs the client identity it forwards to voting with it; one random value per dev run.
const clientIdSecret = env.CLIENT_ID_SECRET ?? randomBytes(24).toString('hex');
const children = new Map();
for (const [name, appEnv] of Object.entries(apps)) {
  // The app's own dev script, run as npm runs it (a shell in the workspace, node_modules/.bin on PATH) but
  // without npm in between: four npm processes cost about a second of CPU on the way to ready.
  const cwd = path.join(root, 'apps', name);
  const script = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')).scripts.dev;
  const bins = [cwd, root].map((dir) => path.join(dir, 'node_modules', '.bin'));
  const child = spawn(script, {
    shell: true,
    cwd,
    env: {
      ...env,
      PATH: [...bins, env.PATH].join(path.delimiter),
      HOST: '127.0.0.1',
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
      CLIENT_ID_SECRET: clientIdSecret,
      ...Object.fromEntries(Object.entries(appEnv).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stopping it also stops tsx's watcher and the app under it
  });
  children.set(name, child);
  say(name, `started (pid ${child.pid}) on port ${appEnv.PORT}`);
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) if (line.trim()) say(name, readable(line));
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) say(name, `exited (${signal ?? code})`);
  });
}

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  say('dev', `${signal}: stopping everything started here...`);
  const exits = [...children.values()].map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          resolve();
        }
        setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 12_000).unref();
      }),
  );
  await Promise.all(exits);
  if (mode === 'compose')
    spawnSync('docker', [...composeArgs, 'stop', 'mongodb', 'postgres', 'redis'], {
      cwd: root,
      stdio: 'inherit',
    });
  say('dev', 'stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

// Readiness: each app's /livez, then one summary with the URLs and the time it took.
const ready = new Set();
const deadline = Date.now() + 120_000;
while (ready.size < children.size && Date.now() < deadline && !stopping) {
  for (const [name, { PORT }] of Object.entries(apps)) {
    if (ready.has(name)) continue;
    try {
      const res = await fetch(`${local(PORT)}/livez`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) ready.add(name);
    } catch {
      // not yet
    }
  }
  await new Promise((r) => setTimeout(r, 200));
}
if (ready.size < children.size) {
  say('dev', `not ready after 120 s: ${[...children.keys()].filter((n) => !ready.has(n)).join(', ')}`);
} else {
  say('dev', `all four ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${mode} stores)`);
  say('dev', `Craftista:      http://localhost:${ports.frontend}/`);
  say(
    'dev',
    `catalogue API:  http://localhost:${ports.catalogue}/   voting API: http://localhost:${ports.voting}/   recommendation API: http://localhost:${ports.recommendation}/`,
  );
  say('dev', 'Ctrl-C stops everything.');
}
