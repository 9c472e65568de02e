// The part of the GitHub Actions context that tag computation needs, read from the runner's
// environment and event payload file (no @actions/github, so tests feed recorded .env + .json pairs).
import { readFileSync } from 'node:fs';
import type { Env } from '@craftista/actions-shared/github-urls';

export interface BuildContext {
  eventName: string;
  /** Fully qualified ref: refs/heads/main, refs/tags/v1.2.3, refs/pull/42/merge. */
  ref: string;
  /** GITHUB_SHA: on pull_request this is the merge commit, not the head. */
  sha: string;
  repository: string;
  payload: EventPayload;
}

export interface EventPayload {
  pull_request?: { number?: number; head?: { sha?: string; ref?: string } };
  repository?: { default_branch?: string };
  [key: string]: unknown;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: is this running in GitHub Actions?`);
  return value;
}

export function contextFromEnv(
  env: Env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): BuildContext {
  const eventPath = env['GITHUB_EVENT_PATH'];
  let payload: EventPayload = {};
  if (eventPath !== undefined && eventPath !== '') {
    try {
      payload = JSON.parse(readFile(eventPath)) as EventPayload;
    } catch (err) {
      throw new Error(`cannot read the event payload ${eventPath}: ${(err as Error).message}`);
    }
  }
  return {
    eventName: required(env, 'GITHUB_EVENT_NAME'),
    ref: required(env, 'GITHUB_REF'),
    sha: required(env, 'GITHUB_SHA'),
    repository: required(env, 'GITHUB_REPOSITORY'),
    payload,
  };
}
