export {
  GitHubServer,
  type CallRecord,
  type Fault,
  type PullRequest,
  type RepoState,
  type StartOptions,
} from './server.js';
export {
  viewerPermission,
  writeRefusal,
  type Grant,
  type Permission,
  type Role,
  type TokenInfo,
} from './tokens.js';
export { BareRepo } from './git.js';
export { OpenApi } from './openapi.js';
