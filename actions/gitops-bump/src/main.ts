// gitops-bump: read inputs, plan the edit from the services configuration, open or update the PR, set outputs.
import {
  commitUrl,
  currentRepository,
  currentRunUrl,
  loadServicesConfig,
  selectServices,
  type ActionIO,
  type OctokitOptions,
} from '@craftista/actions-shared';
import {
  applyBump,
  branchFor,
  checkToken,
  explainFailure,
  fileTargets,
  gitOpsApi,
  renderBody,
  summarize,
  writeOutputs,
  type ImageRef,
  type Provenance,
  type ServiceChange,
} from '@craftista/gitops-lib';
import { getInputs } from './inputs.js';
import { parseCounts, parseImagesInput } from './plan.js';

export interface RunDeps {
  /** Extra Octokit options (tests shorten the write pacing and retry waits). */
  octokit?: Partial<OctokitOptions>;
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const inputs = getInputs(io);
  const config = loadServicesConfig(inputs.config || undefined);
  const env = inputs.environment;
  const repository = inputs.repository || config.gitops.repository;
  const base = inputs.base || config.gitops.branch;
  const token = inputs.token;
  const sourceRepository = currentRepository(io.context);
  checkToken(token, inputs.workflowToken, repository, sourceRepository);
  io.secret(token);

  // What to bump: `images` (service=tag@digest lines) or `services` + `tag` + `digest`.
  const wanted = new Map<string, ImageRef>();
  if (inputs.images !== '') for (const [k, v] of parseImagesInput(inputs.images)) wanted.set(k, v);
  else {
    const { tag, digest } = inputs;
    if (tag === '')
      throw new Error(
        'give either `images` (service=tag@digest lines) or `services` with `tag` (and `digest`)',
      );
    for (const s of selectServices(config, inputs.services))
      wanted.set(s.name, { tag, ...(digest ? { digest } : {}) });
  }
  const services = selectServices(config, [...wanted.keys()].join(','));
  const changes: ServiceChange[] = services.map((s) => ({
    service: s.name,
    files: fileTargets(s, env),
    image: { repository: inputs.image || s.image, ...wanted.get(s.name)! },
  }));

  const sourceSha = inputs.sourceSha || io.context.sha;
  const runUrl = currentRunUrl(io.context);
  const trivy = parseCounts(inputs.trivyCounts);
  const gate = inputs.qualityGate;
  const provenance: Provenance = {
    ...(sourceRepository ? { sourceRepository } : {}),
    ...(sourceSha ? { sourceSha } : {}),
    ...(sourceRepository && sourceSha
      ? { sourceCommitUrl: commitUrl(sourceRepository, sourceSha, io.context) }
      : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(trivy ? { trivy } : {}),
    ...(gate ? { qualityGate: gate } : {}),
  };
  const names = services.map((s) => s.name);
  const tags = changes.map((c) => `${c.service} ${c.image.tag}`).join(', ');
  const commitMessage =
    inputs.commitMessage
      .replaceAll('{env}', env)
      .replaceAll('{services}', names.join(', '))
      .replaceAll('{images}', tags) +
    (sourceSha ? `\n\nSource: ${sourceRepository ?? ''}@${sourceSha}` : '') +
    (runUrl ? `\nRun: ${runUrl}` : '');
  const { autoMerge } = inputs;
  if (autoMerge && env === 'prod')
    throw new Error('auto-merge is refused for prod: prod pull requests are approved by people');

  const gh = gitOpsApi(io, token, deps.octokit);
  const labels = inputs.labels.length > 0 ? inputs.labels : ['gitops', `env:${env}`];
  try {
    const result = await applyBump(gh, {
      repository,
      base,
      branch: inputs.branch || branchFor(env, names, sourceSha),
      changes,
      commitMessage,
      allowDowngrade: inputs.allowDowngrade,
      log: io.info,
      pullRequest: {
        title: `${env}: bump ${tags}`,
        body: (outcomes) => renderBody(env, outcomes, provenance),
        labels,
        reviewers: inputs.reviewers,
        teamReviewers: inputs.teamReviewers,
        draft: inputs.draft,
        ...(autoMerge ? { autoMerge } : {}),
      },
    });
    writeOutputs(io, result);
    await summarize(io, `gitops-bump → ${repository}`, env, result);
    io.info(`${env}: ${result.operation}${result.pullRequest ? ` ${result.pullRequest.url}` : ''}`);
  } catch (err) {
    throw explainFailure(err);
  }
}
