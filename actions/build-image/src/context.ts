// The part of the workflow run that tag computation needs, from @actions/github's context; tests hydrate that
// context from recorded .env + event .json pairs.
import { currentRepository, type GitHubContext } from '@craftista/actions-shared/github-urls';

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

function required(value: string | undefined, variable: string): string {
  if (value === undefined || value === '')
    throw new Error(`${variable} is not set: is this running in GitHub Actions?`);
  return value;
}

export function buildContext(context: GitHubContext): BuildContext {
  return {
    eventName: required(context.eventName, 'GITHUB_EVENT_NAME'),
    ref: required(context.ref, 'GITHUB_REF'),
    sha: required(context.sha, 'GITHUB_SHA'),
    repository: required(currentRepository(context), 'GITHUB_REPOSITORY'),
    payload: context.payload as EventPayload,
  };
}
