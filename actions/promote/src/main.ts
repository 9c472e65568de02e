// promote: copy the image pins of one environment to the next through a pull request (never merged here).
import {
  boolInput,
  currentRunUrl,
  listInput,
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
} from '@craftista/gitops-bump';
import { PromoteError, compareLinks, sourceImages } from './promote.js';

export interface RunDeps {
  octokit?: Partial<OctokitOptions>;
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const config = loadServicesConfig(io.input('config') || undefined);
  const from = io.input('from');
  const to = io.input('to');
  const envs = config.gitops.environments;
  if (!envs.includes(from) || !envs.includes(to))
    throw new PromoteError(
      `from and to must be environments of ${config.source} (${envs.join(', ')}); got "${from}" → "${to}"`,
    );
  if (envs.indexOf(to) <= envs.indexOf(from))
    throw new PromoteError(`promotion goes forward (${envs.join(' → ')}); "${from}" → "${to}" does not`);
  const repository = io.input('repository') || config.gitops.repository;
  const base = io.input('base') || config.gitops.branch;
  const token = io.input('token');
  checkToken(token, io.input('workflow-token'), repository, io.env['GITHUB_REPOSITORY']);
  io.secret(token);
  const services = selectServices(config, io.input('services') || 'all');
  const gh = gitOpsApi(io, token, deps.octokit);
  const sourceRepository = io.input('source-repository') || io.env['GITHUB_REPOSITORY'];
  const names = services.map((s) => s.name);
  const runUrl = currentRunUrl(io.env);
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
      branch: io.input('branch') || branchFor(to, names, undefined, `from-${from}`),
      changes,
      commitMessage: `chore(${to}): promote ${changes.map((c) => `${c.service} ${c.image.tag}`).join(', ')} from ${from}`,
      allowDowngrade: boolInput('allow-downgrade', io.input('allow-downgrade'), false),
      log: io.info,
      pullRequest: {
        title: `${to}: promote ${names.length === config.services.length ? 'all services' : names.join(', ')} from ${from}`,
        body: (outcomes) =>
          renderBody(to, outcomes, {
            promotedFrom: from,
            compareLinks: compareLinks(outcomes, sourceRepository, io.env),
            ...(runUrl ? { runUrl } : {}),
          }),
        labels: listInput(io.input('labels') || `gitops,promotion,env:${to}`),
        reviewers: listInput(io.input('reviewers')),
        teamReviewers: listInput(io.input('team-reviewers')),
      },
    });
    writeOutputs(io, result);
    summarize(io, `promote ${from} → ${to} (${repository})`, to, result);
    io.info(
      `${to}: ${result.operation}${result.pullRequest ? ` ${result.pullRequest.url}` : ''}${to === 'prod' ? ' (prod: review and merge by hand)' : ''}`,
    );
  } catch (err) {
    throw explainFailure(err, PromoteError);
  }
}
