// The container tier: the four app images built from docker/Dockerfile and the whole stack run with docker compose on
// a real Docker engine, then checked the way a person and GitHub's CI would. Run by scripts/containers/tier.sh
// (`npm run test:containers`), which starts the engine and the base images and sets DOCKER_HOST, DOCKER_CONFIG,
// NODE_IMAGE, MONGO_IMAGE, POSTGRES_IMAGE, REDIS_IMAGE and BUILD_NETWORK. Tests run in order; each needs the ones
// before it.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../..');
// The images are built from a snapshot of the repository as git would commit it (tracked and new files) taken once
// at the start, so that edits made meanwhile in the working tree neither change the build under test nor spoil the
// warm rebuild's cache; `npm run dev` runs in the repository itself.
const context = mkdtempSync(path.join(tmpdir(), 'craftista-context-'));
execFileSync(
  'sh',
  [
    '-c',
    `git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "${context}"`,
  ],
  { cwd: root },
);
const compose = ['compose', '-f', 'docker/compose.yaml'];
const apps = { frontend: 'frontend', catalogue: 'catalogue', voting: 'voting', recco: 'recommendation' };
const FRONTEND = 'http://127.0.0.1:3000';
const measured = { lines: [] };

for (const name of ['DOCKER_HOST', 'NODE_IMAGE', 'MONGO_IMAGE', 'POSTGRES_IMAGE', 'REDIS_IMAGE']) {
  if (!process.env[name]) throw new Error(`${name} is not set: run this through npm run test:containers`);
}

/** Runs a command in the snapshot, returns its stdout; throws with its output when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: context,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeout ?? 900_000,
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`.slice(
        -8000,
      ),
    );
  }
  return result.stdout;
}
const docker = (args, options) => run('docker', args, options);
const seconds = (since) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);
const note = (line) => {
  measured.lines.push(line);
  console.log(`containers: ${line}`);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value or `limitMs` passes; returns the value or undefined. */
async function waitFor(probe, limitMs, everyMs = 250) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

function containers() {
  return docker([...compose, 'ps', '--all', '--format', 'json'])
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
const containerOf = (service) => docker([...compose, 'ps', '--all', '--quiet', service]).trim();
const votesOf = async (id) => Number(await (await fetch(`${FRONTEND}/api/origamis/${id}/votes`)).text());

let failedBefore = false;
/**
 * A test that is skipped once an earlier blocking one failed, since it needs the stack the ones before it made;
 * a non-blocking step leaves the stack as it found it, failed or not.
 */
function step(name, fn, { blocking = true } = {}) {
  test(name, async (t) => {
    if (failedBefore) return t.skip('an earlier step failed');
    try {
      await fn(t);
    } catch (error) {
      if (blocking) failedBefore = true;
      throw error;
    }
  });
}

let devProcess;
after(() => {
  // A launcher that did not stop on Ctrl-C goes now, with everything under it.
  if (devProcess && devProcess.exitCode === null && devProcess.signalCode === null) {
    try {
      process.kill(-devProcess.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Whatever happened, the stack goes: containers, network and volumes (images stay, as build cache).
  spawnSync(
    'docker',
    [...compose, '--profile', 'seed', '--profile', 'load', 'down', '--volumes', '--timeout', '5'],
    { cwd: context, stdio: 'ignore' },
  );
  rmSync(context, { recursive: true, force: true });
  if (measured.lines.length) console.log(`\ncontainers: measured\n  ${measured.lines.join('\n  ')}\n`);
});

step('the private engine answers and has the four base images', () => {
  const version = docker(['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim();
  assert.match(version, /^\d+\.\d+/);
  note(`engine: dockerd ${version}, ${docker(['compose', 'version', '--short']).trim()} compose`);
  for (const name of ['NODE_IMAGE', 'MONGO_IMAGE', 'POSTGRES_IMAGE', 'REDIS_IMAGE']) {
    const size = Number(docker(['image', 'inspect', '--format', '{{.Size}}', process.env[name]]).trim());
    assert.ok(size > 0, process.env[name]);
    note(`base image ${process.env[name]} (${name}): ${(size / 1e6).toFixed(1)} MB`);
  }
  const node = docker(['run', '--rm', process.env.NODE_IMAGE, 'node', '--version']).trim();
  assert.match(node, /^v20\.(19|[2-9]\d)\./, 'a Node 20.19+ runtime');
});

step(
  'docker compose up --build --wait builds the four app images from cold and brings all seven up healthy',
  () => {
    // Cold: no image or build cache of ours left, only the base images. CRAFTISTA_CONTAINERS_KEEP_CACHE=1 keeps
    // them, to rerun the later steps quickly; the build is then not cold and is not reported as cold.
    const cold = process.env.CRAFTISTA_CONTAINERS_KEEP_CACHE !== '1';
    const down = [...compose, 'down', '--volumes', ...(cold ? ['--rmi', 'local'] : [])];
    spawnSync('docker', down, { cwd: context, stdio: 'ignore' });
    if (cold) {
      for (const app of Object.values(apps))
        spawnSync('docker', ['image', 'rm', `craftista/${app}:dev`], { stdio: 'ignore' });
      docker(['image', 'prune', '--force']);
      spawnSync('docker', ['builder', 'prune', '--all', '--force'], { stdio: 'ignore' });
    }
    const started = process.hrtime.bigint();
    // What the README says, detached here so that the test goes on.
    docker([...compose, 'up', '--build', '--detach', '--wait', '--wait-timeout', '600']);
    note(
      `${cold ? 'cold' : 'cached (not cold)'} docker compose up --build --wait (four images built in parallel, then all healthy): ${seconds(started)} s`,
    );
    const states = containers().map((c) => `${c.Service}:${c.State}:${c.Health}`);
    assert.deepEqual(
      states.sort(),
      ['catalogue', 'frontend', 'mongodb', 'postgres', 'recco', 'redis', 'voting'].map(
        (s) => `${s}:running:healthy`,
      ),
    );
  },
);

step('the app images run node as user node, without npm, labelled', () => {
  for (const app of Object.values(apps)) {
    const image = `craftista/${app}:dev`;
    const [size, user, title] = docker([
      'image',
      'inspect',
      '--format',
      '{{.Size}} {{.Config.User}} {{index .Config.Labels "org.opencontainers.image.title"}}',
      image,
    ])
      .trim()
      .split(' ');
    note(`image ${image}: ${(Number(size) / 1e6).toFixed(1)} MB uncompressed, on ${process.env.NODE_IMAGE}`);
    assert.equal(user, 'node', `${image} runs as node`);
    assert.equal(title, `craftista-${app}`);
    // The runtime is node alone: no npm in the image it ships.
    const npm = spawnSync('docker', ['run', '--rm', '--entrypoint', 'sh', image, '-c', 'command -v npm'], {
      encoding: 'utf8',
    });
    assert.notEqual(npm.status, 0, `${image} has npm at ${npm.stdout}`);
  }
});

step('the page shows all four stages, every backend up', async () => {
  const page = await (await fetch(`${FRONTEND}/`)).text();
  for (const text of [
    'Craftista - Fold, Admire and Vote',
    'Origami of the Day',
    'Origami Showcase',
    'Votes:',
    'class="vote-button',
    'status-box up',
  ])
    assert.ok(page.includes(text), `missing on the page: ${text}`);
  assert.ok(!page.includes('status-box down'), 'a backend is shown as down');
});

step('a vote is counted', async () => {
  const before = await votesOf(1);
  const res = await fetch(`${FRONTEND}/api/origamis/1/vote`, { method: 'POST' });
  assert.equal(res.status, 200, await res.text());
  assert.equal(await votesOf(1), before + 1);
});

step('each app runs as a non-root user inside its container, and its own HEALTHCHECK says healthy', () => {
  for (const service of Object.keys(apps)) {
    const id = containerOf(service);
    // PID 1 inside the container is the app itself.
    const status = docker(['exec', id, 'cat', '/proc/1/status']);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    const cmdline = docker(['exec', id, 'cat', '/proc/1/cmdline']).split('\0').filter(Boolean).join(' ');
    assert.equal(cmdline, 'node dist/main.js', service);
    assert.ok(uid > 0, `${service} runs as uid ${uid}`);
    const inspect = JSON.parse(docker(['inspect', id]))[0];
    assert.deepEqual(
      inspect.Config.Healthcheck.Test.slice(0, 2),
      ['CMD', 'node'],
      `${service}: the image's check`,
    );
    assert.equal(inspect.State.Health.Status, 'healthy', service);
    assert.equal(inspect.State.Health.Log.at(-1).ExitCode, 0, service);
  }
});

step(
  'stopping postgres turns the Voting box red within seconds, restarting brings it back, no acknowledged vote lost',
  async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    let voting = true;
    let voter;
    try {
      const page = await browser.newPage();
      await page.goto(`${FRONTEND}/`);
      const box = page.locator('#status-voting');
      const colour = () => box.evaluate((el) => window.getComputedStyle(el).backgroundColor);
      const turns = async (state, limitMs) => {
        const since = process.hrtime.bigint();
        const seen = await box
          .and(page.locator(`.${state}`))
          .waitFor({ timeout: limitMs })
          .then(
            () => true,
            () => false,
          );
        return { seen, after: seconds(since), colour: await colour() };
      };
      assert.equal(await colour(), 'rgb(0, 128, 0)', 'the Voting box is green to begin with');

      // Votes keep coming through the outage; every one answered 2xx must be counted afterwards.
      const before = await votesOf(2);
      let acknowledged = 0;
      let sent = 0;
      voter = (async () => {
        while (voting) {
          sent++;
          const res = await fetch(`${FRONTEND}/api/origamis/2/vote`, {
            method: 'POST',
            signal: AbortSignal.timeout(10_000),
          }).catch(() => undefined);
          if (res?.ok) acknowledged++;
          await res?.arrayBuffer();
          await sleep(150);
        }
      })();
      await sleep(1000);

      docker([...compose, 'stop', 'postgres']);
      const down = await turns('down', 30_000);
      note(
        down.seen
          ? `Voting box red ${down.after} s after postgres stopped`
          : 'Voting box still green 30 s after postgres stopped',
      );
      await sleep(2000);
      docker([...compose, 'start', 'postgres']);
      const up = await turns('up', 120_000);
      note(`Voting box green ${up.after} s after postgres started`);
      voting = false;
      await voter;

      const after = await waitFor(async () => {
        const votes = await votesOf(2);
        return votes >= before + acknowledged ? votes : undefined;
      }, 10_000);
      note(
        `outage: ${sent} votes sent, ${acknowledged} acknowledged, ${(await votesOf(2)) - before} counted`,
      );
      assert.ok(acknowledged > 0, 'some votes were acknowledged');
      assert.ok(
        after !== undefined,
        `acknowledged votes lost: ${await votesOf(2)} < ${before} + ${acknowledged}`,
      );
      assert.ok(after <= before + sent, 'more votes counted than sent');
      assert.ok(up.seen, 'the Voting box did not turn green again after postgres restarted');
      assert.equal(up.colour, 'rgb(0, 128, 0)');
      assert.ok(
        down.seen,
        "the Voting box stayed green for 30 s with postgres stopped: the frontend takes voting's state from voting's " +
          'event stream, which stays open while its database is down',
      );
      assert.equal(down.colour, 'rgb(208, 0, 0)', 'the Voting box is red while postgres is down');
    } finally {
      voting = false;
      await voter;
      await browser.close();
      docker([...compose, 'start', 'postgres']);
    }
  },
  { blocking: false },
);

step('the seed profile loads the demo products, twice over (idempotent)', async () => {
  const ids = readdirSync(path.join(root, 'docker/seed/products')).map((f) => path.basename(f, '.json'));
  for (let i = 0; i < 2; i++) {
    const out = docker([...compose, '--profile', 'seed', 'run', '--rm', 'seed']);
    assert.match(out, new RegExp(`seed: ${ids.length} demo products loaded`));
  }
  for (const id of ids) {
    const res = await fetch(`http://127.0.0.1:5000/api/products/${id}`);
    assert.equal(res.status, 200, id);
  }
});

step('the load profile runs against the frontend with no failed request', () => {
  const out = docker([...compose, '--profile', 'load', 'run', '--rm', 'load']);
  const [, ok, failed] = /load: (\d+) ok, (\d+) failed/.exec(out) ?? [];
  assert.equal(Number(failed), 0);
  assert.equal(Number(ok), 8 * 250);
  note(out.trim());
});

step('a warm rebuild of one app after one changed source file', () => {
  appendFileSync(path.join(context, 'apps/catalogue/src/main.ts'), `\n// warm-build probe ${Date.now()}\n`);
  const started = process.hrtime.bigint();
  const out = docker([...compose, 'build', 'catalogue']);
  note(
    `warm rebuild of catalogue (docker compose build) after one changed source file: ${seconds(started)} s`,
  );
  // The dependency install and the workspace packages' build came from cache; the app's own build ran again.
  assert.match(out, /RUN npm ci[^\n]*\n ---> Using cache/);
  assert.match(out, /RUN npx turbo run build[^\n]*\n ---> Using cache/);
  assert.match(out, /RUN npm run build --workspace[^\n]*\n ---> Running in/);
});

step(
  'npm run dev finds the engine, runs the stores from compose, the four apps come up, Ctrl-C leaves none running',
  async () => {
    docker([...compose, 'down', '--volumes', '--timeout', '5']);
    const dev = spawn('npm', ['run', 'dev'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    devProcess = dev;
    let output = '';
    dev.stdout.on('data', (chunk) => (output += chunk));
    dev.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => dev.on('exit', (code, signal) => resolve(code ?? signal)));
    try {
      const ready = await waitFor(
        async () => /all four ready in [\d.]+ s \((\w+) stores\)/.exec(output),
        240_000,
      );
      assert.ok(ready, `npm run dev did not get ready:\n${output.slice(-4000)}`);
      assert.equal(ready[1], 'compose');
      note(`npm run dev (compose stores): ${ready[0]}`);
      const running = containers().filter((c) => c.State === 'running');
      assert.deepEqual(running.map((c) => c.Service).sort(), ['mongodb', 'postgres', 'redis']);
      const page = await (await fetch(`${FRONTEND}/`)).text();
      assert.equal((page.match(/status-box up/g) ?? []).length, 3, 'every backend shown up');
      const before = await votesOf(3);
      assert.equal((await fetch(`${FRONTEND}/api/origamis/3/vote`, { method: 'POST' })).status, 200);
      assert.equal(await votesOf(3), before + 1);
    } finally {
      // Ctrl-C reaches the whole foreground process group, npm and the launcher under it.
      if (dev.exitCode === null) process.kill(-dev.pid, 'SIGINT');
    }
    const limit = new Promise((resolve) => setTimeout(resolve, 60_000, 'still running after 60 s').unref());
    // npm itself dies of the SIGINT, as it does in a terminal; the launcher under it finishes its shutdown.
    const code = await Promise.race([exited, limit]);
    assert.ok(code === 0 || code === 'SIGINT', `npm run dev ended with ${code}:\n${output.slice(-2000)}`);
    assert.match(output, /dev\s*\S*\| stopped/);
    for (const port of [3000, 5000, 8080, 8081]) {
      const answer = await fetch(`http://127.0.0.1:${port}/livez`).then(
        (res) => res.status,
        () => 'nothing',
      );
      assert.equal(answer, 'nothing', `port ${port} still answers after Ctrl-C`);
    }
    assert.deepEqual(
      containers().filter((c) => c.State === 'running'),
      [],
    );
  },
);
