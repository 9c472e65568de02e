import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recordingIO } from '@craftista/actions-shared';
import { bundleAction, committedBundle } from '../../shared/scripts/bundle.mjs';
import { run } from '../src/main.js';
import { eventEnv, events } from './fixtures.js';

const actionDir = fileURLToPath(new URL('..', import.meta.url));
const repoConfig = resolve(actionDir, '../../craftista.services.yaml');

/** A stand-in docker CLI: records its arguments and writes the metadata file buildx would write. */
function fakeDocker(
  dir: string,
  metadataSample: string,
  exitCode = 0,
): { docker: string; argv: () => string[] } {
  const argvFile = join(dir, 'argv');
  const docker = join(dir, 'docker');
  writeFileSync(
    docker,
    `#!/bin/sh
printf '%s\\n' "$@" > '${argvFile}'
while [ $# -gt 0 ]; do
  if [ "$1" = --metadata-file ]; then cp '${metadataSample}' "$2"; fi
  shift
done
exit ${exitCode}
`,
  );
  chmodSync(docker, 0o755);
  return { docker, argv: () => readFileSync(argvFile, 'utf8').trimEnd().split('\n') };
}

function setup(
  event: string,
  inputs: Record<string, string>,
  sample = 'buildx-metadata-push.json',
  exitCode = 0,
) {
  const dir = mkdtempSync(join(tmpdir(), 'build-image-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const fake = fakeDocker(dir, join(events, sample), exitCode);
  const io = recordingIO(
    { config: repoConfig, ...inputs },
    { ...eventEnv(event), RUNNER_TEMP: dir, GITHUB_STEP_SUMMARY: summary },
  );
  return { io, fake, summary };
}

describe('build-image run()', () => {
  it('builds and pushes a service from the services file and reports tags and digest', async () => {
    const { io, fake, summary } = setup('push_main', { service: 'voting', push: 'true' });
    await run(io, { docker: fake.docker, now: () => new Date('2026-11-28T07:30:00Z') });
    expect(io.failure).toBeUndefined();
    const argv = fake.argv();
    expect(argv.slice(0, 6)).toEqual([
      'buildx',
      'build',
      '--file',
      'docker/Dockerfile',
      '--target',
      'voting',
    ]);
    expect(argv).toContain('type=gha,mode=max,scope=voting');
    expect(argv.at(-2)).toBe('--push');
    expect(io.outputs).toMatchObject({
      image: 'ghcr.io/craftista/craftista-voting',
      version: 'main',
      'sha-tag': 'sha-8f3c2a1',
      tags: 'ghcr.io/craftista/craftista-voting:main\nghcr.io/craftista/craftista-voting:sha-8f3c2a1\nghcr.io/craftista/craftista-voting:latest',
      digest: 'sha256:3c9f0a71e2b84d5f6a1c7e9b0d2f4a6c8e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f',
      'image-ref':
        'ghcr.io/craftista/craftista-voting@sha256:3c9f0a71e2b84d5f6a1c7e9b0d2f4a6c8e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f',
    });
    expect(io.outputs['labels']).toContain(
      'org.opencontainers.image.revision=8f3c2a1b9d4e5f60718293a4b5c6d7e8f9a0b1c2',
    );
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('### Image voting');
    expect(md).toContain('| Tags | `main` `sha-8f3c2a1` `latest` |');
    expect(md).toContain(
      '(https://github.com/craftista/craftista/commit/8f3c2a1b9d4e5f60718293a4b5c6d7e8f9a0b1c2)',
    );
  });

  it('fails when a push reports no digest', async () => {
    const { io, fake } = setup(
      'push_main',
      { service: 'voting', push: 'true' },
      'buildx-metadata-nopush.json',
    );
    await run(io, { docker: fake.docker }).catch((e: Error) => io.fail(e.message));
    expect(io.failure).toMatch(/pushed but buildx reported no containerimage.digest/);
  });

  it('warns but passes when a build without push exports nothing', async () => {
    const { io, fake } = setup('pull_request', { service: 'frontend' }, 'buildx-metadata-nopush.json');
    await run(io, { docker: fake.docker });
    expect(io.outputs['digest']).toBe('');
    expect(io.outputs['version']).toBe('pr-42');
    expect(io.logs.some((l) => l.startsWith('warning: buildx reported no digest'))).toBe(true);
  });

  it('fails with buildx exit code and on unknown services', async () => {
    const failing = setup('push_branch', { service: 'catalogue' }, 'buildx-metadata-nopush.json', 17);
    await expect(run(failing.io, { docker: failing.fake.docker })).rejects.toThrow(/exit code 17/);
    const unknown = setup('push_branch', { service: 'cart' });
    await expect(run(unknown.io, { docker: unknown.fake.docker })).rejects.toThrow(/unknown service "cart"/);
  });
});

describe('dist', () => {
  it('is the bundle of the current sources (run `npm run build -w @craftista/build-image`)', async () => {
    const fresh = await bundleAction(actionDir);
    expect(committedBundle(actionDir) === fresh, 'actions/build-image/dist/index.js is stale').toBe(true);
  });
});
