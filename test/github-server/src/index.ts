export {
  GitHubServer,
  type CallRecord,
  type Fault,
  type PullRequest,
  type RepoState,
  type StartOptions,
  type TokenInfo,
} from './server.js';
export { BareRepo } from './git.js';
export { OpenApi } from './openapi.js';
