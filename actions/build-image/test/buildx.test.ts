import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildxArgs,
  parseBuildMetadata,
  parseCache,
  parseNetwork,
  parseProvenance,
  type BuildxOptions,
} from '../src/buildx.js';
import { contextOf } from '@craftista/actions-shared';
import { buildContext } from '../src/context.js';
import { computeMeta } from '../src/meta.js';
import { eventEnv, events } from './fixtures.js';

const image = 'ghcr.io/craftista/craftista-catalogue';

function optionsFor(event: string, overrides: Partial<BuildxOptions> = {}): BuildxOptions {
  const meta = computeMeta({
    image,
    title: 'catalogue',
    context: buildContext(contextOf(eventEnv(event))),
    sourceUrl: 'https://github.com/craftista/craftista',
    now: new Date('2026-11-28T07:30:00Z'),
  });
  return {
    context: '.',
    dockerfile: 'docker/Dockerfile',
    target: 'catalogue',
    tags: meta.tags,
    labels: meta.labels,
    platforms: [],
    push: false,
    load: false,
    provenance: 'false',
    cache: 'gha',
    cacheScope: 'catalogue',
    buildArgs: [],
    network: '',
    metadataFile: '/tmp/m/metadata.json',
    ...overrides,
  };
}

const labels = (revision: string, version: string) => [
  '--label',
  'org.opencontainers.image.created=2026-11-28T07:30:00.000Z',
  '--label',
  `org.opencontainers.image.revision=${revision}`,
  '--label',
  'org.opencontainers.image.source=https://github.com/craftista/craftista',
  '--label',
  'org.opencontainers.image.title=catalogue',
  '--label',
  `org.opencontainers.image.version=${version}`,
];
// What every build of the catalogue target starts with, and where buildx writes what it pushed.
const command = ['buildx', 'build', '--file', 'docker/Dockerfile', '--target', 'catalogue'];
const metadata = ['--metadata-file', '/tmp/m/metadata.json'];
const cache = ['--cache-from', 'type=gha,scope=catalogue', '--cache-to', 'type=gha,mode=max,scope=catalogue'];

describe('buildx command line', () => {
  it('push to main: pushes main, sha and latest for two platforms', () => {
    expect(
      buildxArgs(optionsFor('push_main', { push: true, platforms: ['linux/amd64', 'linux/arm64'] })),
    ).toEqual([
      ...command,
      '--tag',
      `${image}:main`,
      '--tag',
      `${image}:sha-8f3c2a1`,
      '--tag',
      `${image}:latest`,
      ...labels('8f3c2a1b9d4e5f60718293a4b5c6d7e8f9a0b1c2', 'main'),
      '--platform',
      'linux/amd64,linux/arm64',
      '--provenance=false',
      ...cache,
      ...metadata,
      '--push',
      '.',
    ]);
  });

  it('push to a branch: builds and loads locally with build args, no push', () => {
    expect(buildxArgs(optionsFor('push_branch', { load: true, buildArgs: ['NODE_VERSION=20'] }))).toEqual([
      ...command,
      '--tag',
      `${image}:feature-Login-Page-2`,
      '--tag',
      `${image}:sha-0a1b2c3`,
      ...labels('0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3', 'feature-Login-Page-2'),
      '--build-arg',
      'NODE_VERSION=20',
      '--provenance=false',
      ...cache,
      ...metadata,
      '--load',
      '.',
    ]);
  });

  it('tag v1.2.3: semver tags with max provenance', () => {
    expect(buildxArgs(optionsFor('tag_v1.2.3', { push: true, provenance: 'mode=max' }))).toEqual([
      ...command,
      '--tag',
      `${image}:1.2.3`,
      '--tag',
      `${image}:1.2`,
      '--tag',
      `${image}:1`,
      '--tag',
      `${image}:sha-c0ffee1`,
      ...labels('c0ffee1234567890abcdef1234567890abcdef12', '1.2.3'),
      '--provenance=mode=max',
      ...cache,
      ...metadata,
      '--push',
      '.',
    ]);
  });

  it('pull_request: pr-42 and the head SHA, cache off', () => {
    expect(buildxArgs(optionsFor('pull_request', { cache: 'none' }))).toEqual([
      ...command,
      '--tag',
      `${image}:pr-42`,
      '--tag',
      `${image}:sha-bbbbbbb`,
      ...labels('bbbbbbb222222222222222222222222222222222', 'pr-42'),
      '--provenance=false',
      ...metadata,
      '.',
    ]);
  });

  it('workflow_dispatch: a separate cache scope and a service without a target', () => {
    const args = buildxArgs(
      optionsFor('workflow_dispatch', { target: undefined, cacheScope: 'catalogue-arm' }),
    );
    expect(args).not.toContain('--target');
    expect(args.slice(0, 6)).toEqual([
      'buildx',
      'build',
      '--file',
      'docker/Dockerfile',
      '--tag',
      `${image}:release-2026.11`,
    ]);
    expect(args).toContain('type=gha,mode=max,scope=catalogue-arm');
    expect(args).toContain(`org.opencontainers.image.source=https://github.com/craftista/craftista`);
  });

  it('refuses contradictory or malformed options', () => {
    expect(() => buildxArgs(optionsFor('push_main', { push: true, load: true }))).toThrow(/exclusive/);
    expect(() =>
      buildxArgs(optionsFor('push_main', { load: true, platforms: ['linux/amd64', 'linux/arm64'] })),
    ).toThrow(/one platform/);
    expect(() => buildxArgs(optionsFor('push_main', { buildArgs: ['not a pair'] }))).toThrow(/NAME=value/);
    expect(() => parseProvenance('yes')).toThrow(/false, true, mode=min or mode=max/);
    expect(parseProvenance('')).toBe('false');
    expect(() => parseCache('registry')).toThrow(/gha or none/);
    expect(() => parseNetwork('bridge')).toThrow(/default, host or none/);
  });

  it("gives the build's RUN steps the network asked for, and leaves buildx's default when none is", () => {
    const args = buildxArgs(optionsFor('push_main', { network: parseNetwork(' host ') }));
    expect(args.slice(args.indexOf('--network'), args.indexOf('--network') + 2)).toEqual([
      '--network',
      'host',
    ]);
    expect(buildxArgs(optionsFor('push_main', { network: parseNetwork('') }))).not.toContain('--network');
  });
});

describe('buildx metadata file', () => {
  it('gives the pushed manifest digest, config digest and names', () => {
    const result = parseBuildMetadata(readFileSync(join(events, 'buildx-metadata-push.json'), 'utf8'));
    expect(result).toEqual({
      digest: 'sha256:3c9f0a71e2b84d5f6a1c7e9b0d2f4a6c8e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f',
      configDigest: 'sha256:5d6f1a8c0b2e94f3b7a1c9d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9',
      imageName:
        'ghcr.io/craftista/craftista-voting:main,ghcr.io/craftista/craftista-voting:sha-8f3c2a1,ghcr.io/craftista/craftista-voting:latest',
    });
  });

  it('has no digest when nothing was exported, and rejects malformed ones', () => {
    expect(
      parseBuildMetadata(readFileSync(join(events, 'buildx-metadata-nopush.json'), 'utf8')).digest,
    ).toBeUndefined();
    expect(
      parseBuildMetadata('{"containerimage.descriptor":{"digest":"sha256:' + 'a'.repeat(64) + '"}}').digest,
    ).toBe(`sha256:${'a'.repeat(64)}`);
    expect(() => parseBuildMetadata('{"containerimage.digest":"sha256:xyz"}')).toThrow(/malformed digest/);
    expect(() => parseBuildMetadata('not json')).toThrow(/not JSON/);
  });
});
