// `npm run dev` on a machine without Docker: all four apps on embedded stores, a working page, a vote, and
// a clean stop that leaves no process behind.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { canConnect, freePort, repoRoot, waitFor } from '@craftista/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run dev (embedded stores)', () => {
  let launcher: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    if (launcher?.pid && alive(launcher.pid)) process.kill(-launcher.pid, 'SIGKILL');
  });

  it('brings up all four apps, serves a complete page, counts a vote and stops everything on Ctrl-C', async () => {
    const ports = {
      FRONTEND_PORT: await freePort(),
      CATALOGUE_PORT: await freePort(),
      VOTING_PORT: await freePort(),
      RECOMMENDATION_PORT: await freePort(),
    };
    const started = Date.now();
    launcher = spawn(process.execPath, ['scripts/dev.mjs'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        CRAFTISTA_STORES: 'embedded',
        LOG_LEVEL: 'warn',
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    launcher.stdout!.on('data', (c) => (output += c));
    launcher.stderr!.on('data', (c) => (output += c));

    await waitFor('the dev launcher to report all four ready', async () => /all four ready in/.test(output), {
      timeoutMs: 110_000,
      intervalMs: 250,
      describe: () => output.slice(-4000),
    });
    const readyIn = /all four ready in ([\d.]+) s/.exec(output)![1];
    console.log(
      `npm run dev: all four ready in ${readyIn} s (launcher), ${((Date.now() - started) / 1000).toFixed(1)} s (test)`,
    );
    expect(output).toContain('using embedded stores');
    const pids = [...output.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(4);

    const frontend = `http://127.0.0.1:${ports.FRONTEND_PORT}`;
    // The first render may race the backends' warm-up; a page with all three boxes green must follow.
    let page = '';
    await waitFor(
      'a page with all backends up',
      async () => {
        page = await (await fetch(`${frontend}/`)).text();
        return (page.match(/status-box up/g) ?? []).length === 3;
      },
      { timeoutMs: 20_000, intervalMs: 500, describe: () => page.slice(0, 2000) },
    );
    expect(page).toContain('Craftista - Fold, Admire and Vote');
    expect(page).toContain('Origami of the Day');
    expect(page).toContain('Origami Crane');
    expect(page).toMatch(/Votes: <span class="count">\d+<\/span>/);
    expect(page).not.toContain('status-box down');

    const votes = async () => Number(await (await fetch(`${frontend}/api/origamis/1/votes`)).text());
    const before = await votes();
    const vote = await fetch(`${frontend}/api/origamis/1/vote`, { method: 'POST' });
    expect(vote.status).toBe(200);
    expect(await votes()).toBe(before + 1);

    const exited = once(launcher, 'exit');
    process.kill(launcher.pid!, 'SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('stopped');
    // The whole process group of each app (npm, tsx watch and the app itself) must be gone.
    await waitFor('every app process to be gone', async () => pids.every((pid) => !alive(-pid)), {
      timeoutMs: 15_000,
    });
    for (const port of Object.values(ports)) expect(await canConnect(port)).toBe(false);
  }, 180_000);
});
