// gitops-bump: read inputs, plan the edit from the services configuration, open or update the PR, set outputs.
import {
  Summary,
  boolInput,
  code,
  commitUrl,
  createOctokit,
  currentRunUrl,
  describeGitHubError,
  link,
  listInput,
  loadServicesConfig,
  selectServices,
  type ActionIO,
  type OctokitOptions,
} from '@craftista/actions-shared';
import { applyBump, GitOpsError, type BumpResult, type GitHubApi, type ServiceChange } from './gitops.js';
import { branchFor, checkToken, fileTargets, parseImagesInput } from './plan.js';
import { parseCounts, renderBody, type Provenance } from './provenance.js';
import { YamlEditError, type ImageRef } from './yaml-edit.js';

export interface RunDeps {
  /** Extra Octokit options (tests shorten the write pacing and retry waits). */
  octokit?: Partial<OctokitOptions>;
}

const AUTO_MERGE = { merge: 'MERGE', squash: 'SQUASH', rebase: 'REBASE' } as const;

export function autoMergeInput(value: string): 'MERGE' | 'SQUASH' | 'REBASE' | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off') return undefined;
  const m = AUTO_MERGE[v as keyof typeof AUTO_MERGE];
  if (!m) throw new Error(`auto-merge must be false, merge, squash or rebase (got "${value}")`);
  return m;
}

export function writeOutputs(io: ActionIO, result: BumpResult): void {
  io.output('operation', result.operation);
  io.output('branch', result.branch);
  io.output('pull-request-number', result.pullRequest ? String(result.pullRequest.number) : '');
  io.output('pull-request-url', result.pullRequest?.url ?? '');
  io.output('commit', result.commit ?? '');
  io.output('changed-files', result.changedFiles.join('\n'));
  io.output('result', JSON.stringify(result));
}

export function summarize(io: ActionIO, title: string, env: string, result: BumpResult): void {
  const s = new Summary().heading(title, 3);
  s.table(
    ['service', 'file', 'before', 'after'],
    result.outcomes.map((o) => [
      o.service,
      code(o.path),
      code(`${o.before.tag}${o.before.digest ? '@' + o.before.digest.slice(0, 19) + '…' : ''}`),
      code(`${o.after.tag}${o.after.digest ? '@' + o.after.digest.slice(0, 19) + '…' : ''}`),
    ]),
    { raw: true },
  );
  s.paragraph(
    `${env}: **${result.operation}**` +
      (result.pullRequest
        ? ` — ${link(`#${result.pullRequest.number}`, result.pullRequest.url)} on ${code(result.branch)}`
        : ''),
  );
  try {
    s.write(io.env);
  } catch (e) {
    io.warning(`could not write the job summary: ${(e as Error).message}`);
  }
}

/** The GitOps repository's API for this run: Octokit with the token, logging to the action's log. */
export function gitOpsApi(io: ActionIO, token: string, options: Partial<OctokitOptions> = {}): GitHubApi {
  return createOctokit({
    token,
    env: io.env,
    log: { info: io.info, warning: io.warning },
    ...options,
  }) as unknown as GitHubApi;
}

/** Our own errors already say what went wrong; anything else is a GitHub API error to describe. */
export function explainFailure(err: unknown, ...ours: (abstract new (...args: never[]) => Error)[]): Error {
  if (err instanceof YamlEditError || err instanceof GitOpsError || ours.some((kind) => err instanceof kind))
    return err as Error;
  return new Error(describeGitHubError(err));
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const config = loadServicesConfig(io.input('config') || undefined);
  const env = io.input('environment') || 'dev';
  const repository = io.input('repository') || config.gitops.repository;
  const base = io.input('base') || config.gitops.branch;
  const token = io.input('token');
  checkToken(token, io.input('workflow-token'), repository, io.env['GITHUB_REPOSITORY']);
  io.secret(token);

  // What to bump: `images` (service=tag@digest lines) or `services` + `tag` + `digest`.
  const wanted = new Map<string, ImageRef>();
  const imagesInput = io.input('images');
  if (imagesInput !== '') for (const [k, v] of parseImagesInput(imagesInput)) wanted.set(k, v);
  else {
    const tag = io.input('tag');
    if (tag === '')
      throw new Error(
        'give either `images` (service=tag@digest lines) or `services` with `tag` (and `digest`)',
      );
    const digest = io.input('digest');
    for (const s of selectServices(config, io.input('services')))
      wanted.set(s.name, { tag, ...(digest ? { digest } : {}) });
  }
  const services = selectServices(config, [...wanted.keys()].join(','));
  const changes: ServiceChange[] = services.map((s) => ({
    service: s.name,
    files: fileTargets(s, env),
    image: { repository: io.input('image') || s.image, ...wanted.get(s.name)! },
  }));

  const sourceRepository = io.env['GITHUB_REPOSITORY'];
  const sourceSha = io.input('source-sha') || io.env['GITHUB_SHA'];
  const runUrl = currentRunUrl(io.env);
  const trivy = parseCounts(io.input('trivy-counts'));
  const gate = io.input('quality-gate');
  const provenance: Provenance = {
    ...(sourceRepository ? { sourceRepository } : {}),
    ...(sourceSha ? { sourceSha } : {}),
    ...(sourceRepository && sourceSha
      ? { sourceCommitUrl: commitUrl(sourceRepository, sourceSha, io.env) }
      : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(trivy ? { trivy } : {}),
    ...(gate ? { qualityGate: gate } : {}),
  };
  const names = services.map((s) => s.name);
  const tags = changes.map((c) => `${c.service} ${c.image.tag}`).join(', ');
  const template = io.input('commit-message') || 'chore({env}): bump {images}';
  const commitMessage =
    template
      .replaceAll('{env}', env)
      .replaceAll('{services}', names.join(', '))
      .replaceAll('{images}', tags) +
    (sourceSha ? `\n\nSource: ${sourceRepository ?? ''}@${sourceSha}` : '') +
    (runUrl ? `\nRun: ${runUrl}` : '');
  const autoMerge = autoMergeInput(io.input('auto-merge'));
  if (autoMerge && env === 'prod')
    throw new Error('auto-merge is refused for prod: prod pull requests are approved by people');

  const gh = gitOpsApi(io, token, deps.octokit);
  const labels = listInput(io.input('labels') || `gitops,env:${env}`);
  const reviewers = listInput(io.input('reviewers'));
  const teamReviewers = listInput(io.input('team-reviewers'));
  try {
    const result = await applyBump(gh, {
      repository,
      base,
      branch: io.input('branch') || branchFor(env, names, sourceSha),
      changes,
      commitMessage,
      allowDowngrade: boolInput('allow-downgrade', io.input('allow-downgrade'), false),
      log: io.info,
      pullRequest: {
        title: `${env}: bump ${tags}`,
        body: (outcomes) => renderBody(env, outcomes, provenance),
        labels,
        reviewers,
        teamReviewers,
        draft: boolInput('draft', io.input('draft'), false),
        ...(autoMerge ? { autoMerge } : {}),
      },
    });
    writeOutputs(io, result);
    summarize(io, `gitops-bump → ${repository}`, env, result);
    io.info(`${env}: ${result.operation}${result.pullRequest ? ` ${result.pullRequest.url}` : ''}`);
  } catch (err) {
    throw explainFailure(err);
  }
}
