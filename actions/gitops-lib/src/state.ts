// The one GraphQL read of the GitOps repository's state: base and branch heads with every target file on both,
// the open pull request of the branch, and the token user's role.
import { GitOpsError, splitRepository, type GitHubApi } from './client.js';

export interface FileState {
  mode: number;
  text: string | null;
}
export interface CommitState {
  oid: string;
  tree: { oid: string };
  history?: { nodes: { oid: string }[] };
  [alias: string]: unknown;
}
export interface OpenPull {
  number: number;
  url: string;
  id: string;
  title: string;
  body: string;
  headRepository: { nameWithOwner: string } | null;
}
export interface ReadResult {
  repository: {
    viewerPermission: string | null;
    base: { target: CommitState | null } | null;
    head: { target: CommitState | null } | null;
    pullRequests: { nodes: OpenPull[] };
  } | null;
}

/** The one GraphQL read: both heads, every target file on both, the open PR of the branch, our permission. */
export function readQuery(paths: string[]): string {
  const vars = paths.map((_, i) => `, $p${i}: String!`).join('');
  const files = paths
    .map((_, i) => ` f${i}: file(path: $p${i}) { mode object { ... on Blob { text } } }`)
    .join('');
  return `query craftistaGitopsState($owner: String!, $name: String!, $base: String!, $head: String!, $headName: String!${vars}) {
  repository(owner: $owner, name: $name) {
    viewerPermission
    base: ref(qualifiedName: $base) { target { ...State } }
    head: ref(qualifiedName: $head) { target { ...State ... on Commit { history(first: 100) { nodes { oid } } } } }
    pullRequests(headRefName: $headName, states: [OPEN], first: 5) { nodes { number url id title body headRepository { nameWithOwner } } }
  }
}
fragment State on Commit { oid tree { oid }${files} }`;
}

export function fileAt(commit: CommitState, i: number): FileState | null {
  const entry = commit[`f${i}`] as { mode: number; object: { text?: string | null } | null } | null;
  if (!entry) return null;
  return { mode: entry.mode, text: entry.object?.text ?? null };
}

/** Reads the state of `head` against `base` (the same branch twice for a plain read). */
export async function readState(
  api: GitHubApi,
  repository: string,
  refs: { base: string; head: string },
  paths: string[],
): Promise<ReadResult> {
  const { owner, repo } = splitRepository(repository);
  const variables: Record<string, unknown> = {
    owner,
    name: repo,
    base: `refs/heads/${refs.base}`,
    head: `refs/heads/${refs.head}`,
    headName: refs.head,
  };
  paths.forEach((p, i) => (variables[`p${i}`] = p));
  return api.graphql<ReadResult>(readQuery(paths), variables);
}

/** The repository from a read, or an error saying it is missing or hidden from the token. */
export function repositoryOf(state: ReadResult, repository: string): NonNullable<ReadResult['repository']> {
  if (!state.repository)
    throw new GitOpsError(`repository ${repository} not found, or the token cannot see it`);
  return state.repository;
}
