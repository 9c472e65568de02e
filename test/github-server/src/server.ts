// A GitHub-shaped HTTP server on 127.0.0.1 for tests: git data lives in real bare repositories, pull requests
// and labels in memory. Every REST request body and every REST response is checked against GitHub's OpenAPI
// description, and every GraphQL document is validated and executed against GitHub's published GraphQL
// schema; anything that does not conform is recorded in `violations` (tests assert it stays empty).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepo } from './git.js';
import { GitHubGraphql } from './graphql.js';
import { OpenApi, describeErrors } from './openapi.js';
import { writeRefusal, type Permission, type TokenInfo } from './tokens.js';

export interface Fault {
  method?: string;
  /** matched against the path after the API prefix, e.g. /repos/o/r/git/trees or /graphql */
  path?: RegExp;
  status: number;
  message: string;
  headers?: Record<string, string>;
  /** how many matching requests fail; default 1 */
  times?: number;
}

export interface CallRecord {
  method: string;
  path: string;
  operation: string;
  status: number;
  write: boolean;
  /** time spent answering, in ms */
  ms: number;
}

export interface PullRequest {
  number: number;
  nodeId: string;
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  draft: boolean;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  autoMerge?: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface RepoState {
  fullName: string;
  git: BareRepo;
  pulls: PullRequest[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  template: string;
  operationId: string;
  /** The permission a write through this route needs (reads need none here). */
  needs?: Permission;
  handler: (ctx: RequestContext) => Promise<{ status: number; body?: unknown }>;
}

interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  token: TokenInfo;
  repo: RepoState;
}

export interface StartOptions {
  /** '' serves like api.github.com; '/api/v3' like GitHub Enterprise Server (GraphQL then at /api/graphql). */
  prefix?: '' | '/api/v3';
  tokens: Record<string, TokenInfo>;
}

const DOCS = 'https://docs.github.com/rest';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

let sharedOpenApi: OpenApi | undefined;
let sharedGraphql: GitHubGraphql | undefined;

export class GitHubServer {
  readonly calls: CallRecord[] = [];
  readonly violations: string[] = [];
  readonly repos = new Map<string, RepoState>();
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly routes: Route[];
  private server!: Server;
  private port = 0;
  private nextId = 1;
  private readonly dirs: string[] = [];

  private constructor(
    private readonly openapi: OpenApi,
    private readonly gql: GitHubGraphql,
    readonly prefix: '' | '/api/v3',
    private readonly tokens: Record<string, TokenInfo>,
  ) {
    this.routes = this.buildRoutes();
  }

  static async start(options: StartOptions): Promise<GitHubServer> {
    sharedOpenApi ??= new OpenApi();
    sharedGraphql ??= new GitHubGraphql();
    const s = new GitHubServer(sharedOpenApi, sharedGraphql, options.prefix ?? '', options.tokens);
    s.server = createServer((req, res) => void s.handle(req, res));
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  /** The web address (GITHUB_SERVER_URL). */
  get serverUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The REST base (GITHUB_API_URL). */
  get apiUrl(): string {
    return `${this.serverUrl}${this.prefix}`;
  }
  /** The GraphQL endpoint (GITHUB_GRAPHQL_URL). */
  get graphqlUrl(): string {
    return this.prefix === '/api/v3' ? `${this.serverUrl}/api/graphql` : `${this.serverUrl}/graphql`;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }

  /** A new bare repository whose main branch holds the files of `fromDir` (one initial commit). */
  async createRepo(fullName: string, fromDir?: string): Promise<RepoState> {
    const dir = await mkdtemp(join(tmpdir(), 'gh-repo-'));
    this.dirs.push(dir);
    const git = new BareRepo(dir);
    await git.git(['init', '-q', '--bare', '-b', 'main', '.']);
    if (fromDir) {
      const env = { GIT_INDEX_FILE: join(dir, 'seed-index') };
      await git.git(['--work-tree', fromDir, 'add', '-A', '.'], { env });
      const tree = (await git.git(['write-tree'], { env })).trim();
      const sha = await git.commitTree(tree, [], 'Initial GitOps repository\n', {
        name: 'seed',
        email: 'seed@example.com',
        date: now(),
      });
      await git.git(['update-ref', 'refs/heads/main', sha]);
    }
    const state: RepoState = { fullName, git, pulls: [] };
    this.repos.set(fullName.toLowerCase(), state);
    return state;
  }

  repo(fullName: string): RepoState {
    const r = this.repos.get(fullName.toLowerCase());
    if (!r) throw new Error(`no repository ${fullName}`);
    return r;
  }

  /** Fail the next matching request(s) with this status, message and headers. */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  writes(): CallRecord[] {
    return this.calls.filter((c) => c.write);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  /** Merge a PR the way the web UI's "Create a merge commit" does (fast-forward is not used). */
  async merge(fullName: string, number: number): Promise<string> {
    const repo = this.repo(fullName);
    const pr = repo.pulls.find((p) => p.number === number);
    if (!pr || pr.state !== 'open') throw new Error(`PR #${number} is not open`);
    const base = (await repo.git.resolveRef(`refs/heads/${pr.base}`))!;
    const head = (await repo.git.resolveRef(`refs/heads/${pr.head}`))!;
    const tree = (await repo.git.git(['merge-tree', '--write-tree', base, head])).trim().split('\n')[0]!;
    const sha = await repo.git.commitTree(
      tree,
      [base, head],
      `Merge pull request #${number} from ${pr.head}\n\n${pr.title}\n`,
      {
        name: 'merger',
        email: 'merger@example.com',
        date: now(),
      },
    );
    if (!(await repo.git.updateRef(`refs/heads/${pr.base}`, sha, base)))
      throw new Error('base moved during merge');
    pr.state = 'closed';
    return sha;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.serverUrl);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const isGraphql = url.pathname === (this.prefix === '/api/v3' ? '/api/graphql' : '/graphql');
    const path = isGraphql
      ? '/graphql'
      : url.pathname.startsWith(this.prefix)
        ? url.pathname.slice(this.prefix.length)
        : url.pathname;
    const started = performance.now();
    const record: CallRecord = {
      method,
      path,
      operation: 'unrouted',
      status: 0,
      write: method !== 'GET',
      ms: 0,
    };
    this.calls.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.ms = Math.round(performance.now() - started);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': randomUUID(),
        ...headers,
      });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    try {
      const token = this.authenticate(req);
      const fault = this.faults.find(
        (f) => f.left > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)),
      );
      if (fault) {
        fault.left--;
        record.operation = 'fault';
        return send(fault.status, { message: fault.message, documentation_url: DOCS }, fault.headers);
      }
      if (isGraphql) {
        if (method !== 'POST') throw new HttpError(404, 'Not Found');
        const { query, variables, operationName } = JSON.parse(raw || '{}') as {
          query?: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        const out = await this.gql.execute(this, token, query ?? '', variables ?? {}, operationName);
        record.operation = `graphql ${out.operation}`;
        record.write = out.mutation;
        if (out.invalid)
          this.violations.push(`GraphQL document invalid against GitHub's schema: ${out.invalid}`);
        return send(200, out.response);
      }
      const match = this.match(method, path);
      if (!match) {
        this.violations.push(`unrouted request ${method} ${path}`);
        throw new HttpError(404, 'Not Found');
      }
      const { route, params } = match;
      record.operation = route.operationId;
      const ops = this.openapi.operation(route.operationId);
      let body: Record<string, unknown> = {};
      if (raw) body = JSON.parse(raw) as Record<string, unknown>;
      if (ops.request && method !== 'GET' && !ops.request(body))
        this.violations.push(`${route.operationId} request body: ${describeErrors(ops.request)}`);
      const repo = this.repos.get(`${params['owner']}/${params['repo']}`.toLowerCase());
      if (!repo) throw new HttpError(404, 'Not Found');
      const refusal = route.needs && writeRefusal(token, route.needs);
      if (refusal) throw new HttpError(403, refusal);
      const out = await route.handler({ params, query: url.searchParams, body, token, repo });
      this.checkResponse(route.operationId, out.status, out.body);
      return send(out.status, out.body);
    } catch (e) {
      if (e instanceof HttpError) {
        const body = { message: e.message, documentation_url: DOCS, status: String(e.status) };
        if (
          record.operation !== 'unrouted' &&
          !record.operation.startsWith('graphql') &&
          record.operation !== 'fault'
        )
          this.checkResponse(record.operation, e.status, body);
        return send(e.status, body, e.headers);
      }
      this.violations.push(`server error on ${method} ${path}: ${(e as Error).message}`);
      return send(500, { message: (e as Error).message, documentation_url: DOCS });
    }
  }

  private checkResponse(operationId: string, status: number, body: unknown): void {
    const ops = this.openapi.operation(operationId);
    if (!ops.responses.has(status)) {
      if (status !== 401 && status !== 403 && status !== 404)
        this.violations.push(`${operationId} answered ${status}, which GitHub's description does not list`);
      return;
    }
    const validate = ops.responses.get(status);
    if (validate && !validate(body))
      this.violations.push(`${operationId} ${status} response: ${describeErrors(validate)}`);
  }

  private authenticate(req: IncomingMessage): TokenInfo {
    const header = req.headers.authorization ?? '';
    const m = /^(?:token|bearer)\s+(.+)$/i.exec(header);
    if (!m) throw new HttpError(401, 'Requires authentication');
    const token = this.tokens[m[1]!.trim()];
    if (!token) throw new HttpError(401, 'Bad credentials');
    return token;
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const segs = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const tpl = route.template.split('/').filter(Boolean);
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < tpl.length && ok; i++) {
        const t = tpl[i]!;
        const s = segs[i];
        if (s === undefined) ok = false;
        else if (t.startsWith('{')) {
          const name = t.slice(1, -1);
          // a ref or path, last in its template, may hold slashes, sent encoded or not
          const greedy = i === tpl.length - 1 && (name === 'ref' || name === 'path');
          params[name] = decodeURIComponent(greedy ? segs.slice(i).join('/') : s);
        } else if (t !== s) ok = false;
      }
      if (ok && (segs.length === tpl.length || /^\{(ref|path)\}$/.test(tpl[tpl.length - 1]!)))
        return { route, params };
    }
    return undefined;
  }

  // ---- JSON shapes ----

  private apiRepoUrl(repo: RepoState): string {
    return `${this.apiUrl}/repos/${repo.fullName}`;
  }

  private refJson(repo: RepoState, ref: string, sha: string) {
    return {
      ref,
      node_id: Buffer.from(`ref:${repo.fullName}:${ref}`).toString('base64'),
      url: `${this.apiRepoUrl(repo)}/git/${ref}`,
      object: { type: 'commit', sha, url: `${this.apiRepoUrl(repo)}/git/commits/${sha}` },
    };
  }

  /** GET /repos/{owner}/{repo}: `permissions` (the user's role) only for tokens that act as a user. */
  private repositoryJson(repo: RepoState, token: TokenInfo) {
    const example = this.openapi.example('full-repository') as Record<string, unknown>;
    const [owner, name] = repo.fullName.split('/') as [string, string];
    const { permissions: _examplePermissions, ...rest } = example;
    const out: Record<string, unknown> = {
      ...rest,
      name,
      full_name: repo.fullName,
      owner: { ...(example['owner'] as object), login: owner },
      html_url: `${this.serverUrl}/${repo.fullName}`,
      url: this.apiRepoUrl(repo),
      default_branch: 'main',
      // the description's example lacks this required field
      has_discussions: false,
    };
    if (token.kind !== 'installation') {
      const rank = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(token.role);
      out['permissions'] = {
        admin: rank >= 4,
        maintain: rank >= 3,
        push: rank >= 2,
        triage: rank >= 1,
        pull: true,
      };
    }
    return out;
  }

  private pullJson(
    repo: RepoState,
    pr: PullRequest,
    shape: 'full' | 'simple',
    shas: { head: string; base: string },
  ) {
    const example = this.openapi.example(shape === 'full' ? 'pull-request' : 'pull-request-simple') as Record<
      string,
      unknown
    >;
    const [owner, name] = repo.fullName.split('/') as [string, string];
    const web = `${this.serverUrl}/${repo.fullName}`;
    const api = `${this.apiRepoUrl(repo)}`;
    const user = { ...(example['user'] as object), login: pr.user };
    const side = (ref: string, sha: string) => ({
      ...(example['head'] as object),
      label: `${owner}:${ref}`,
      ref,
      sha,
      user: { ...user, login: owner },
      repo: {
        ...((example['head'] as Record<string, unknown>)['repo'] as object),
        name,
        full_name: repo.fullName,
        html_url: web,
        url: api,
      },
    });
    const out: Record<string, unknown> = {
      ...example,
      url: `${api}/pulls/${pr.number}`,
      id: pr.number,
      node_id: pr.nodeId,
      html_url: `${web}/pull/${pr.number}`,
      diff_url: `${web}/pull/${pr.number}.diff`,
      patch_url: `${web}/pull/${pr.number}.patch`,
      issue_url: `${api}/issues/${pr.number}`,
      commits_url: `${api}/pulls/${pr.number}/commits`,
      review_comments_url: `${api}/pulls/${pr.number}/comments`,
      comments_url: `${api}/issues/${pr.number}/comments`,
      statuses_url: `${api}/statuses/${shas.head}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user,
      labels: pr.labels.map((l, i) => this.labelJson(repo, l, i)),
      milestone: null,
      active_lock_reason: null,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.state === 'closed' ? pr.updatedAt : null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: pr.reviewers.map((login) => ({ ...user, login })),
      requested_teams: [],
      head: side(pr.head, shas.head),
      base: side(pr.base, shas.base),
      author_association: 'MEMBER',
      auto_merge: pr.autoMerge
        ? {
            enabled_by: user,
            merge_method: pr.autoMerge.toLowerCase(),
            commit_title: pr.title,
            commit_message: '',
          }
        : null,
      draft: pr.draft,
    };
    if (shape === 'full') {
      Object.assign(out, {
        merged: false,
        mergeable: true,
        rebaseable: true,
        mergeable_state: 'clean',
        merged_by: null,
        comments: 0,
        review_comments: 0,
        maintainer_can_modify: true,
        commits: 1,
        additions: 1,
        deletions: 1,
        changed_files: 1,
      });
    }
    return out;
  }

  private labelJson(repo: RepoState, name: string, i: number) {
    return {
      id: 1000 + i,
      node_id: Buffer.from(`label:${name}`).toString('base64'),
      url: `${this.apiRepoUrl(repo)}/labels/${encodeURIComponent(name)}`,
      name,
      // The label schema allows null, but pull-request-simple's labels require a string: '' satisfies both.
      description: '',
      color: 'ededed',
      default: false,
    };
  }

  private async pullShas(repo: RepoState, pr: PullRequest) {
    return {
      head: (await repo.git.resolveRef(`refs/heads/${pr.head}`)) ?? '0'.repeat(40),
      base: (await repo.git.resolveRef(`refs/heads/${pr.base}`)) ?? '0'.repeat(40),
    };
  }

  private findPull(repo: RepoState, number: string): PullRequest {
    const pr = repo.pulls.find((p) => p.number === Number(number));
    if (!pr) throw new HttpError(404, 'Not Found');
    return pr;
  }

  // ---- routes ----

  private buildRoutes(): Route[] {
    const R = (
      method: string,
      template: string,
      operationId: string,
      handler: Route['handler'],
      needs?: Permission,
    ): Route => ({
      method,
      template,
      operationId,
      handler,
      ...(needs ? { needs } : {}),
    });
    return [
      R('GET', '/repos/{owner}/{repo}', 'repos/get', async ({ repo, token }) => ({
        status: 200,
        body: this.repositoryJson(repo, token),
      })),
      R('GET', '/repos/{owner}/{repo}/git/ref/{ref}', 'git/get-ref', async ({ repo, params }) => {
        const ref = `refs/${params['ref']}`;
        const sha = await repo.git.resolveRef(ref);
        if (!sha) throw new HttpError(404, 'Not Found');
        return { status: 200, body: this.refJson(repo, ref, sha) };
      }),
      R(
        'POST',
        '/repos/{owner}/{repo}/git/refs',
        'git/create-ref',
        async ({ repo, body }) => {
          const ref = String(body['ref'] ?? '');
          const sha = String(body['sha'] ?? '');
          if (!/^refs\/[^/]+\/.+/.test(ref) || ref.split('/').length < 3)
            throw new HttpError(422, 'Reference name must start with refs/ and have at least two slashes.');
          if ((await repo.git.objectType(sha)) !== 'commit')
            throw new HttpError(422, 'Object does not exist');
          if (!(await repo.git.updateRef(ref, sha, undefined)))
            throw new HttpError(422, 'Reference already exists');
          return { status: 201, body: this.refJson(repo, ref, sha) };
        },
        'contents',
      ),
      R(
        'PATCH',
        '/repos/{owner}/{repo}/git/refs/{ref}',
        'git/update-ref',
        async ({ repo, params, body }) => {
          const ref = `refs/${params['ref']}`;
          const sha = String(body['sha'] ?? '');
          const current = await repo.git.resolveRef(ref);
          if (!current) throw new HttpError(422, 'Reference does not exist');
          if ((await repo.git.objectType(sha)) !== 'commit')
            throw new HttpError(422, 'Object does not exist');
          if (body['force'] !== true && !(await repo.git.isAncestor(current, sha)))
            throw new HttpError(422, 'Update is not a fast forward');
          // compare-and-swap against the head we checked, so a concurrent update between check and write also fails
          if (!(await repo.git.updateRef(ref, sha, current)))
            throw new HttpError(422, 'Update is not a fast forward');
          return { status: 200, body: this.refJson(repo, ref, sha) };
        },
        'contents',
      ),
      R(
        'POST',
        '/repos/{owner}/{repo}/git/trees',
        'git/create-tree',
        async ({ repo, body }) => {
          const base = body['base_tree'] as string | undefined;
          if (base !== undefined && (await repo.git.objectType(base)) !== 'tree')
            throw new HttpError(422, 'base_tree is not a valid tree oid');
          const entries: { path: string; mode: string; sha: string | null }[] = [];
          for (const e of (body['tree'] as Record<string, unknown>[]) ?? []) {
            const path = String(e['path']);
            const mode = String(e['mode']);
            if (typeof e['content'] === 'string')
              entries.push({ path, mode, sha: await repo.git.hashBlob(e['content']) });
            else if (e['sha'] === null) entries.push({ path, mode, sha: null });
            else {
              const sha = String(e['sha']);
              if (!(await repo.git.objectType(sha)))
                throw new HttpError(422, `tree.sha ${sha} is not a valid blob`);
              entries.push({ path, mode, sha });
            }
          }
          const sha = await repo.git.writeTree(base, entries);
          const tree = (await repo.git.lsTree(sha)).map((e) => ({
            path: e.path,
            mode: e.mode,
            type: e.type,
            sha: e.sha,
            ...(e.size !== undefined ? { size: e.size } : {}),
            url: `${this.apiRepoUrl(repo)}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
          }));
          return {
            status: 201,
            body: { sha, url: `${this.apiRepoUrl(repo)}/git/trees/${sha}`, tree, truncated: false },
          };
        },
        'contents',
      ),
      R(
        'POST',
        '/repos/{owner}/{repo}/git/commits',
        'git/create-commit',
        async ({ repo, body, token }) => {
          const tree = String(body['tree']);
          const parents = ((body['parents'] as string[]) ?? []).map(String);
          if ((await repo.git.objectType(tree)) !== 'tree')
            throw new HttpError(422, 'Tree SHA does not exist');
          for (const p of parents)
            if ((await repo.git.objectType(p)) !== 'commit')
              throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
          const date = now();
          const who = { name: token.login, email: `${token.login}@users.noreply.example.com`, date };
          const message = String(body['message']);
          const sha = await repo.git.commitTree(tree, parents, message, who);
          const web = `${this.serverUrl}/${repo.fullName}`;
          const person = { name: who.name, email: who.email, date };
          return {
            status: 201,
            body: {
              sha,
              node_id: Buffer.from(`commit:${sha}`).toString('base64'),
              url: `${this.apiRepoUrl(repo)}/git/commits/${sha}`,
              html_url: `${web}/commit/${sha}`,
              author: person,
              committer: person,
              message,
              tree: { sha: tree, url: `${this.apiRepoUrl(repo)}/git/trees/${tree}` },
              parents: parents.map((p) => ({
                sha: p,
                url: `${this.apiRepoUrl(repo)}/git/commits/${p}`,
                html_url: `${web}/commit/${p}`,
              })),
              verification: {
                verified: false,
                reason: 'unsigned',
                signature: null,
                payload: null,
                verified_at: null,
              },
            },
          };
        },
        'contents',
      ),
      R('GET', '/repos/{owner}/{repo}/pulls', 'pulls/list', async ({ repo, query }) => {
        const state = query.get('state') ?? 'open';
        const head = query.get('head');
        const base = query.get('base');
        const [owner] = repo.fullName.split('/');
        const list = repo.pulls.filter(
          (p) =>
            (state === 'all' || p.state === state) &&
            (!head || head === `${owner}:${p.head}`) &&
            (!base || base === p.base),
        );
        const body = [];
        for (const p of list) body.push(this.pullJson(repo, p, 'simple', await this.pullShas(repo, p)));
        return { status: 200, body };
      }),
      R(
        'POST',
        '/repos/{owner}/{repo}/pulls',
        'pulls/create',
        async ({ repo, body, token }) => {
          const head = String(body['head'] ?? '').replace(/^[^:]+:/, '');
          const base = String(body['base'] ?? '');
          const headSha = await repo.git.resolveRef(`refs/heads/${head}`);
          const baseSha = await repo.git.resolveRef(`refs/heads/${base}`);
          if (!headSha || !baseSha) throw new HttpError(422, 'Validation Failed');
          if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base))
            throw new HttpError(
              422,
              `A pull request already exists for ${repo.fullName.split('/')[0]}:${head}.`,
            );
          if (await repo.git.isAncestor(headSha, baseSha))
            throw new HttpError(422, `No commits between ${base} and ${head}`);
          const at = now();
          const number = this.nextId++;
          const pr: PullRequest = {
            number,
            nodeId: Buffer.from(`PR_${repo.fullName}_${number}`).toString('base64'),
            repo: repo.fullName,
            title: String(body['title'] ?? ''),
            body: String(body['body'] ?? ''),
            head,
            base,
            state: 'open',
            draft: body['draft'] === true,
            labels: [],
            reviewers: [],
            teamReviewers: [],
            user: token.login,
            createdAt: at,
            updatedAt: at,
          };
          repo.pulls.push(pr);
          return { status: 201, body: this.pullJson(repo, pr, 'full', { head: headSha, base: baseSha }) };
        },
        'pullRequests',
      ),
      R('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 'pulls/get', async ({ repo, params }) => {
        const pr = this.findPull(repo, params['pull_number']!);
        return { status: 200, body: this.pullJson(repo, pr, 'full', await this.pullShas(repo, pr)) };
      }),
      R(
        'PATCH',
        '/repos/{owner}/{repo}/pulls/{pull_number}',
        'pulls/update',
        async ({ repo, params, body }) => {
          const pr = this.findPull(repo, params['pull_number']!);
          if (typeof body['title'] === 'string') pr.title = body['title'];
          if (typeof body['body'] === 'string') pr.body = body['body'];
          if (body['state'] === 'open' || body['state'] === 'closed') pr.state = body['state'];
          pr.updatedAt = now();
          return { status: 200, body: this.pullJson(repo, pr, 'full', await this.pullShas(repo, pr)) };
        },
        'pullRequests',
      ),
      R(
        'POST',
        '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        'issues/add-labels',
        async ({ repo, params, body }) => {
          const pr = this.findPull(repo, params['issue_number']!);
          for (const l of (body['labels'] as string[]) ?? []) if (!pr.labels.includes(l)) pr.labels.push(l);
          return { status: 200, body: pr.labels.map((l, i) => this.labelJson(repo, l, i)) };
        },
        'pullRequests',
      ),
      R(
        'POST',
        '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
        'pulls/request-reviewers',
        async ({ repo, params, body }) => {
          const pr = this.findPull(repo, params['pull_number']!);
          pr.reviewers.push(...((body['reviewers'] as string[]) ?? []));
          pr.teamReviewers.push(...((body['team_reviewers'] as string[]) ?? []));
          return { status: 201, body: this.pullJson(repo, pr, 'simple', await this.pullShas(repo, pr)) };
        },
        'pullRequests',
      ),
    ];
  }
}
