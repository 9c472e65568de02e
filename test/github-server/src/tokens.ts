// The token kinds the GitHub-shaped server tells apart, and what GitHub lets each of them see and do.
/** A user's role on a repository (REST `permissions`, GraphQL `viewerPermission`). */
export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
/** A permission granted to a fine-grained token or a GitHub App installation. */
export type Grant = 'write' | 'read' | 'none';
/** The repository permissions the served operations need (GitHub's names: contents, pull_requests). */
export type Permission = 'contents' | 'pullRequests';

/**
 * The token kinds the workflows use, answered as GitHub answers them:
 * - classic personal access token (ghp_…, repo scope): acts with its user's role;
 * - fine-grained personal access token (github_pat_…): its user's role, and only the permissions granted to it;
 * - GitHub App installation token (ghs_…, e.g. from actions/create-github-app-token, and GITHUB_TOKEN): the
 *   App's permissions only. It has no user, so GraphQL `viewerPermission` is null (the schema: "Will return null
 *   if authenticated as an GitHub App") and REST repository JSON carries no `permissions` object.
 */
export type TokenInfo =
  | { kind: 'classic'; login: string; role: Role }
  | { kind: 'fine-grained'; login: string; role: Role; contents: Grant; pullRequests: Grant }
  | { kind: 'installation'; login: string; contents: Grant; pullRequests: Grant };

const WRITE_ROLES: ReadonlySet<Role> = new Set(['admin', 'maintain', 'write']);

/** GitHub's 403 message when a token may not make a write, or undefined when it may. */
export function writeRefusal(token: TokenInfo, needs: Permission): string | undefined {
  if (token.kind !== 'installation' && !WRITE_ROLES.has(token.role))
    return 'Must have push access to repository';
  if (token.kind !== 'classic' && token[needs] !== 'write')
    return token.kind === 'installation'
      ? 'Resource not accessible by integration'
      : 'Resource not accessible by personal access token';
  return undefined;
}

/** GraphQL `viewerPermission`: the user's role, null for an App installation. */
export function viewerPermission(token: TokenInfo): string | null {
  return token.kind === 'installation' ? null : token.role.toUpperCase();
}
