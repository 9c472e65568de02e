// GitHub's GraphQL API, the part the actions use, executed by graphql-js against GitHub's own published
// schema (@octokit/graphql-schema): a document the real API would reject is rejected here too, and every
// answer has the schema's shape because graphql-js builds it from the schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, execute, getOperationAST, parse, validate, type GraphQLSchema } from 'graphql';
import type { BareRepo } from './git.js';
import { packageDir } from './package-dir.js';
import type { GitHubServer, RepoState } from './server.js';
import { viewerPermission, writeRefusal, type TokenInfo } from './tokens.js';

function schemaFile(): string {
  return join(packageDir('@octokit/graphql-schema'), 'schema.graphql');
}

const commitObject = (git: BareRepo, oid: string) => ({
  __typename: 'Commit',
  oid,
  id: Buffer.from(`commit:${oid}`).toString('base64'),
  tree: async () => {
    const c = await git.readCommit(oid);
    return { __typename: 'Tree', oid: c.tree };
  },
  file: async ({ path }: { path: string }) => {
    const f = await git.fileAt(oid, path);
    if (!f) return null;
    return {
      path,
      name: path.split('/').pop(),
      mode: parseInt(f.mode, 8),
      oid: f.sha,
      type: 'blob',
      object: {
        __typename: 'Blob',
        oid: f.sha,
        text: f.text,
        byteSize: Buffer.byteLength(f.text),
        isBinary: false,
      },
    };
  },
  history: async ({ first }: { first?: number }) => {
    if (first === undefined || first > 100) throw new Error('history needs `first` between 1 and 100');
    return { nodes: (await git.revList(oid, first)).map((sha) => commitObject(git, sha)) };
  },
});

export interface GraphqlOutcome {
  response: { data?: unknown; errors?: { message: string; type?: string }[] };
  operation: string;
  mutation: boolean;
  invalid?: string;
}

export class GitHubGraphql {
  readonly schema: GraphQLSchema;

  constructor() {
    this.schema = buildSchema(readFileSync(schemaFile(), 'utf8'), { assumeValidSDL: true });
  }

  async execute(
    server: GitHubServer,
    token: TokenInfo,
    query: string,
    variables: Record<string, unknown>,
    operationName?: string,
  ): Promise<GraphqlOutcome> {
    let document;
    try {
      document = parse(query);
    } catch (e) {
      return {
        response: { errors: [{ message: (e as Error).message }] },
        operation: 'unparsable',
        mutation: false,
        invalid: (e as Error).message,
      };
    }
    const errors = validate(this.schema, document);
    const op = getOperationAST(document, operationName);
    const name = op?.name?.value ?? 'anonymous';
    const mutation = op?.operation === 'mutation';
    if (errors.length) {
      const invalid = errors.map((e) => e.message).join('; ');
      return {
        response: { errors: errors.map((e) => ({ message: e.message })) },
        operation: name,
        mutation,
        invalid,
      };
    }
    const repoObject = (repo: RepoState) => ({
      nameWithOwner: repo.fullName,
      viewerPermission: viewerPermission(token),
      ref: async ({ qualifiedName }: { qualifiedName: string }) => {
        const full = qualifiedName.startsWith('refs/') ? qualifiedName : `refs/heads/${qualifiedName}`;
        const oid = await repo.git.resolveRef(full);
        if (!oid) return null;
        const [, kind, ...rest] = full.split('/');
        return { name: rest.join('/'), prefix: `refs/${kind}/`, target: commitObject(repo.git, oid) };
      },
      pullRequests: ({
        headRefName,
        baseRefName,
        states,
        first,
      }: {
        headRefName?: string;
        baseRefName?: string;
        states?: string[];
        first?: number;
      }) => {
        const list = repo.pulls.filter(
          (p) =>
            (!headRefName || p.head === headRefName) &&
            (!baseRefName || p.base === baseRefName) &&
            (!states || states.includes(p.state.toUpperCase())),
        );
        return {
          totalCount: list.length,
          nodes: list.slice(0, first ?? 100).map((p) => ({
            id: p.nodeId,
            number: p.number,
            url: `${server.serverUrl}/${repo.fullName}/pull/${p.number}`,
            title: p.title,
            body: p.body,
            state: p.state.toUpperCase(),
            headRefName: p.head,
            baseRefName: p.base,
            headRepository: { nameWithOwner: repo.fullName },
          })),
        };
      },
    });
    const root = {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repo = server.repos.get(`${owner}/${name}`.toLowerCase());
        return repo ? repoObject(repo) : null;
      },
      enablePullRequestAutoMerge: ({ input }: { input: { pullRequestId: string; mergeMethod?: string } }) => {
        const refusal = writeRefusal(token, 'pullRequests');
        if (refusal) throw new Error(refusal);
        for (const repo of server.repos.values()) {
          const pr = repo.pulls.find((p) => p.nodeId === input.pullRequestId);
          if (pr) {
            pr.autoMerge = input.mergeMethod ?? 'MERGE';
            return { pullRequest: { number: pr.number, id: pr.nodeId } };
          }
        }
        throw new Error(`Could not resolve to a node with the global id of '${input.pullRequestId}'`);
      },
    };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: root,
      variableValues: variables,
      ...(operationName ? { operationName } : {}),
    });
    const response: GraphqlOutcome['response'] = {};
    if (result.data) response.data = result.data;
    if (result.errors?.length)
      response.errors = result.errors.map((e) => ({ message: e.message, type: 'UNPROCESSABLE' }));
    return { response, operation: name, mutation };
  }
}
