// promote: copy the image pins of one environment to the next through a pull request (never merged here).
import {
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
} from '@craftista/gitops-lib';
import { getInputs } from './inputs.js';
import { PromoteError, compareLinks, sourceImages } from './promote.js';

export interface RunDeps {
  octokit?: Partial<OctokitOptions>;
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const inputs = getInputs(io);
  const config = loadServicesConfig(inputs.config || undefined);
  const { from, to } = inputs;
  const envs = config.gitops.environments;
  if (!envs.includes(from) || !envs.includes(to))
    throw new PromoteError(
      `from and to must be environments of ${config.source} (${envs.join(', ')}); got "${from}" → "${to}"`,
    );
  if (envs.indexOf(to) <= envs.indexOf(from))
    throw new PromoteError(`promotion goes forward (${envs.join(' → ')}); "${from}" → "${to}" does not`);
  const repository = inputs.repository || config.gitops.repository;
  const base = inputs.base || config.gitops.branch;
  const token = inputs.token;
  checkToken(token, inputs.workflowToken, repository, currentRepository(io.context));
  io.secret(token);
  const services = selectServices(config, inputs.services);
  const gh = gitOpsApi(io, token, deps.octokit);
  const sourceRepository = inputs.sourceRepository || currentRepository(io.context);
  const names = services.map((s) => s.name);
  const runUrl = currentRunUrl(io.context);
  try {
    const images = await sourceImages(gh, repository, base, services, from);
    const changes = images.map((c) => ({
      ...c,
      files: fileTargets(
        services.find((s) => s.name === c.service)!,
        to,
      ),
    }));
    io.info(
      `${from} runs: ${changes.map((c) => `${c.service} ${c.image.tag}@${c.image.digest}`).join(', ')}`,
    );
    const result = await applyBump(gh, {
      repository,
      base,
      branch: inputs.branch || branchFor(to, names, undefined, `from-${from}`),
      changes,
      commitMessage: `chore(${to}): promote ${changes.map((c) => `${c.service} ${c.image.tag}`).join(', ')} from ${from}`,
      allowDowngrade: inputs.allowDowngrade,
      log: io.info,
      pullRequest: {
        title: `${to}: promote ${names.length === config.services.length ? 'all services' : names.join(', ')} from ${from}`,
        body: (outcomes) =>
          renderBody(to, outcomes, {
            promotedFrom: from,
            compareLinks: compareLinks(outcomes, sourceRepository, io.context),
            ...(runUrl ? { runUrl } : {}),
          }),
        labels: inputs.labels.length > 0 ? inputs.labels : ['gitops', 'promotion', `env:${to}`],
        reviewers: inputs.reviewers,
        teamReviewers: inputs.teamReviewers,
      },
    });
    writeOutputs(io, result);
    await summarize(io, `promote ${from} → ${to} (${repository})`, to, result);
    io.info(
      `${to}: ${result.operation}${result.pullRequest ? ` ${result.pullRequest.url}` : ''}${to === 'prod' ? ' (prod: review and merge by hand)' : ''}`,
    );
  } catch (err) {
    throw explainFailure(err, PromoteError);
  }
}
