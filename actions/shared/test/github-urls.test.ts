import { describe, expect, it } from 'vitest';
import {
  apiUrl,
  commitUrl,
  compareUrl,
  contextOf,
  currentRunUrl,
  pullRequestUrl,
  runUrl,
  serverUrl,
} from '../src/index.js';

const ghes = contextOf({
  GITHUB_SERVER_URL: 'https://git.example.internal/',
  GITHUB_API_URL: 'https://git.example.internal/api/v3',
});

describe('GitHub URLs', () => {
  it('default to github.com when the runner sets nothing', () => {
    expect(serverUrl(contextOf({}))).toBe('https://github.com');
    expect(apiUrl(contextOf({ GITHUB_API_URL: '' }))).toBe('https://api.github.com');
  });

  it('follow a GitHub Enterprise Server environment, without trailing slashes', () => {
    expect(serverUrl(ghes)).toBe('https://git.example.internal');
    expect(apiUrl(ghes)).toBe('https://git.example.internal/api/v3');
    expect(commitUrl('acme/app', 'abc123', ghes)).toBe('https://git.example.internal/acme/app/commit/abc123');
    expect(pullRequestUrl('acme/app', 7, ghes)).toBe('https://git.example.internal/acme/app/pull/7');
  });

  it('build compare URLs keeping "/" in branch names and encoding the rest', () => {
    expect(compareUrl('acme/app', 'v1.0.0', 'feature/a b#1', contextOf({}))).toBe(
      'https://github.com/acme/app/compare/v1.0.0...feature/a%20b%231',
    );
  });

  it('build run URLs with the attempt only after a re-run', () => {
    expect(runUrl({ repository: 'acme/app', runId: 42 }, contextOf({}))).toBe(
      'https://github.com/acme/app/actions/runs/42',
    );
    expect(runUrl({ repository: 'acme/app', runId: 42, runAttempt: '3' }, ghes)).toBe(
      'https://git.example.internal/acme/app/actions/runs/42/attempts/3',
    );
    expect(
      currentRunUrl(
        contextOf({ GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '9', GITHUB_RUN_ATTEMPT: '1' }),
      ),
    ).toBe('https://github.com/acme/app/actions/runs/9');
    expect(currentRunUrl(contextOf({}))).toBeUndefined();
  });

  it('refuse something that is not owner/name', () => {
    expect(() => commitUrl('https://github.com/acme/app', 'abc', contextOf({}))).toThrow(
      /not an owner\/name/,
    );
  });
});
