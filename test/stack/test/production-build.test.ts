// What the images run: each app compiled by `npm run build` and started with plain `node dist/main.js`
// and the images' runtime settings (NODE_OPTIONS heap limits, malloc threshold)
// (no tsx, no source conditions), answering its probes and its main API on embedded stores.
import { execFileSync } from 'node:child_process';
import { freePort, imageEnvironment, repoRoot, startProcess, waitFor } from '@craftista/testkit';
import { beforeAll, describe, expect, it } from 'vitest';

const apps: { name: string; api: string; expect: (body: string) => void }[] = [
  {
    name: 'catalogue',
    api: '/api/products',
    expect: (b) => expect(JSON.parse(b)[0]).toMatchObject({ id: '1', name: 'Origami Crane' }),
  },
  {
    name: 'voting',
    api: '/api/origamis/1/votes',
    expect: (b) => expect(Number.isInteger(JSON.parse(b))).toBe(true),
  },
  {
    name: 'recommendation',
    api: '/api/origami-of-the-day',
    expect: (b) => expect(JSON.parse(b)).toHaveProperty('image_url'),
  },
  { name: 'frontend', api: '/', expect: (b) => expect(b).toContain('Craftista - Fold, Admire and Vote') },
];

describe('production build', () => {
  beforeAll(() => {
    execFileSync(
      'npx',
      [
        'turbo',
        'run',
        'build',
        ...apps.map((a) => `--filter=@craftista/${a.name}...`),
        '--output-logs=errors-only',
      ],
      {
        cwd: repoRoot,
        stdio: 'pipe',
        timeout: 240_000,
      },
    );
  }, 250_000);

  it.each(apps)('$name runs from dist with plain node', async ({ name, api, expect: check }) => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...imageEnvironment(),
    };
    const app = startProcess(process.execPath, ['dist/main.js'], { cwd: `${repoRoot}/apps/${name}`, env });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${name} from dist`, async () => (await fetch(`${url}/livez`)).ok, {
        timeoutMs: 30_000,
        describe: app.output,
      });
      const res = await fetch(url + api);
      expect(res.status, app.output()).toBe(200);
      check(await res.text());
    } finally {
      await app.stop();
    }
  });
});
