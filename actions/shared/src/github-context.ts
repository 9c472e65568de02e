// The workflow run's context comes from @actions/github: event name and payload, ref, sha, run ids, and the
// server, API and GraphQL addresses (GitHub Enterprise Server sets them). contextOf() hydrates the same class
// from a given environment, which is how tests describe a run.
import { existsSync } from 'node:fs';
import { context as processContext } from '@actions/github';

export type Env = Record<string, string | undefined>;
export type GitHubContext = typeof processContext;

// @actions/github exports the hydrated context, not its class; the class is the context's constructor.
const ContextClass = processContext.constructor as new () => GitHubContext;

/** Runs fn with process.env replaced by env (synchronously): @actions/github reads nothing else. */
function inEnv<T>(env: Env, fn: () => T): T {
  const saved = process.env;
  if (env === saved) return fn();
  process.env = { ...env } as NodeJS.ProcessEnv;
  try {
    return fn();
  } finally {
    process.env = saved;
  }
}

/** The context of the run that env describes; an event payload that is named but unreadable is an error. */
export function contextOf(env: Env): GitHubContext {
  const eventPath = env['GITHUB_EVENT_PATH'];
  if (eventPath && !existsSync(eventPath))
    throw new Error(`cannot read the event payload ${eventPath}: the file does not exist`);
  const context = inEnv(env, () => {
    try {
      return new ContextClass();
    } catch (err) {
      throw new Error(`cannot read the event payload ${eventPath}: ${(err as Error).message}`);
    }
  });
  // `repo` reads GITHUB_REPOSITORY when asked, not when built: keep it reading this env.
  const repo = Object.getOwnPropertyDescriptor(ContextClass.prototype, 'repo')!.get!;
  Object.defineProperty(context, 'repo', { get: () => inEnv(env, () => repo.call(context)) });
  return context;
}

/** owner/name of the repository the workflow runs in, or undefined when the context has none. */
export function currentRepository(context: GitHubContext): string | undefined {
  try {
    const { owner, repo } = context.repo;
    return owner && repo ? `${owner}/${repo}` : undefined;
  } catch {
    return undefined;
  }
}
