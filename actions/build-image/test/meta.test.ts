import { describe, expect, it } from 'vitest';
import { contextOf, repositoryUrl } from '@craftista/actions-shared';
import { buildContext } from '../src/context.js';
import { computeMeta, sanitizeTag, semverTags } from '../src/meta.js';
import { eventEnv } from './fixtures.js';

const image = 'ghcr.io/craftista/craftista-voting';
const now = new Date('2026-11-28T07:30:00.000Z');

function metaFor(event: string, extra: { defaultBranch?: string } = {}) {
  const run = contextOf(eventEnv(event));
  const context = buildContext(run);
  return computeMeta({
    image,
    title: 'voting',
    context,
    sourceUrl: repositoryUrl(context.repository, run),
    now,
    ...extra,
  });
}

describe.each([
  {
    event: 'push_main',
    version: 'main',
    tags: ['main', 'sha-8f3c2a1', 'latest'],
    revision: '8f3c2a1b9d4e5f60718293a4b5c6d7e8f9a0b1c2',
    source: 'https://github.com/craftista/craftista',
  },
  {
    event: 'push_branch',
    version: 'feature-Login-Page-2',
    tags: ['feature-Login-Page-2', 'sha-0a1b2c3'],
    revision: '0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3',
    source: 'https://github.com/craftista/craftista',
  },
  {
    event: 'tag_v1.2.3',
    version: '1.2.3',
    tags: ['1.2.3', '1.2', '1', 'sha-c0ffee1'],
    revision: 'c0ffee1234567890abcdef1234567890abcdef12',
    source: 'https://github.com/craftista/craftista',
  },
  {
    event: 'tag_v2.0.0-rc.1',
    version: '2.0.0-rc.1',
    tags: ['2.0.0-rc.1', 'sha-d15ea5e'],
    revision: 'd15ea5e000000000000000000000000000000001',
    source: 'https://github.com/craftista/craftista',
  },
  {
    // GITHUB_SHA is the merge commit (aaaaaaa...); the image is tagged and labelled with the PR head.
    event: 'pull_request',
    version: 'pr-42',
    tags: ['pr-42', 'sha-bbbbbbb'],
    revision: 'bbbbbbb222222222222222222222222222222222',
    source: 'https://github.com/craftista/craftista',
  },
  {
    // Manual run on a release branch of a GitHub Enterprise Server.
    event: 'workflow_dispatch',
    version: 'release-2026.11',
    tags: ['release-2026.11', 'sha-fe12dc3'],
    revision: 'fe12dc34ba56fe78dc90ba12fe34dc56ba78fe90',
    source: 'https://git.example.internal/craftista/craftista',
  },
])('$event', ({ event, version, tags, revision, source }) => {
  const meta = metaFor(event);

  it(`tags ${tags.join(', ')}`, () => {
    expect(meta.tagNames).toEqual(tags);
    expect(meta.tags).toEqual(tags.map((t) => `${image}:${t}`));
    expect(meta.version).toBe(version);
  });

  it('labels the image with OCI annotations for source, revision, version, created and title', () => {
    expect(meta.labels).toEqual({
      'org.opencontainers.image.created': '2026-11-28T07:30:00.000Z',
      'org.opencontainers.image.revision': revision,
      'org.opencontainers.image.source': source,
      'org.opencontainers.image.title': 'voting',
      'org.opencontainers.image.version': version,
    });
    expect(meta.revision).toBe(revision);
  });
});

describe('latest', () => {
  it('goes only to the default branch, as the payload or the input names it', () => {
    expect(metaFor('push_main').tagNames).toContain('latest');
    expect(metaFor('push_main', { defaultBranch: 'trunk' }).tagNames).not.toContain('latest');
    expect(metaFor('workflow_dispatch', { defaultBranch: 'release/2026.11' }).tagNames).toContain('latest');
    expect(metaFor('tag_v1.2.3').tagNames).not.toContain('latest');
    expect(metaFor('pull_request', { defaultBranch: 'feature/votes' }).tagNames).not.toContain('latest');
  });
});

describe('helpers', () => {
  it('sanitises free text into a valid Docker tag', () => {
    expect(sanitizeTag('feature/ÄÖ login')).toBe('feature----login');
    expect(sanitizeTag('-.hidden')).toBe('hidden');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(128);
  });

  it('derives semver tags only from v-prefixed versions, skipping major 0', () => {
    expect(semverTags('v0.4.1')?.tags).toEqual(['0.4.1', '0.4']);
    expect(semverTags('v1.2.3+build.7')?.tags).toEqual(['1.2.3-build.7', '1.2', '1']);
    expect(semverTags('1.2.3')).toBeUndefined();
    expect(semverTags('v1.2')).toBeUndefined();
  });

  it('reports an unreadable event payload and missing runner variables clearly', () => {
    const env = { ...eventEnv('push_main'), GITHUB_EVENT_PATH: '/nonexistent/event.json' };
    expect(() => buildContext(contextOf(env))).toThrow(
      /cannot read the event payload \/nonexistent\/event.json/,
    );
    expect(() => buildContext(contextOf({ GITHUB_EVENT_NAME: 'push' }))).toThrow(/GITHUB_REF is not set/);
  });
});
