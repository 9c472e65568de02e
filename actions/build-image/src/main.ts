// Reads inputs, computes tags/labels, runs buildx, sets outputs and the job summary.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { execCommand } from '@craftista/actions-shared/exec';
import { commitUrl, repositoryUrl } from '@craftista/actions-shared/github-urls';
import { getService, loadServicesConfig } from '@craftista/actions-shared/services-config';
import { code, Summary } from '@craftista/actions-shared/summary';
import { buildxArgs, parseBuildMetadata } from './buildx.js';
import { buildContext } from './context.js';
import { getInputs } from './inputs.js';
import { computeMeta } from './meta.js';

export interface RunDeps {
  now?: () => Date;
  /** The docker CLI (default "docker" on PATH). */
  docker?: string;
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const inputs = getInputs(io);
  const config = loadServicesConfig(inputs.config);
  const service = getService(config, inputs.service);
  const ctx = buildContext(io.context);
  const meta = computeMeta({
    image: service.image,
    title: service.name,
    context: ctx,
    sourceUrl: repositoryUrl(ctx.repository, io.context),
    ...(inputs.defaultBranch !== undefined ? { defaultBranch: inputs.defaultBranch } : {}),
    now: (deps.now ?? (() => new Date()))(),
  });

  const tempRoot =
    io.env['RUNNER_TEMP'] !== undefined && io.env['RUNNER_TEMP'] !== '' ? io.env['RUNNER_TEMP'] : tmpdir();
  const metadataFile = join(mkdtempSync(join(tempRoot, 'build-image-')), 'metadata.json');
  const args = buildxArgs({
    context: inputs.context,
    dockerfile: service.dockerfile,
    ...(service.target !== undefined ? { target: service.target } : {}),
    tags: meta.tags,
    labels: meta.labels,
    platforms: inputs.platforms,
    push: inputs.push,
    load: inputs.load,
    provenance: inputs.provenance,
    cache: inputs.cache,
    cacheScope: inputs.cacheScope || service.name,
    buildArgs: inputs.buildArgs,
    network: inputs.network,
    metadataFile,
  });

  io.info(`${service.name}: ${meta.tags.join(', ')}`);
  const result = await io.group(`docker buildx build ${service.name}`, () => {
    io.info(`docker ${args.join(' ')}`);
    return execCommand(deps.docker ?? 'docker', args, { env: { ...process.env, ...io.env } });
  });
  if (result.code !== 0) throw new Error(`docker buildx build failed with exit code ${result.code}`);

  const built = existsSync(metadataFile) ? parseBuildMetadata(readFileSync(metadataFile, 'utf8')) : undefined;
  const digest = built?.digest ?? '';
  if (inputs.push && digest === '')
    throw new Error('the image was pushed but buildx reported no containerimage.digest');
  if (digest === '')
    io.warning('buildx reported no digest (nothing was exported); the digest output is empty');

  io.output('image', service.image);
  io.output('version', meta.version);
  io.output('sha-tag', meta.shaTag);
  io.output('tags', meta.tags.join('\n'));
  io.output(
    'labels',
    Object.entries(meta.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  io.output('digest', digest);
  io.output('image-ref', digest === '' ? '' : `${service.image}@${digest}`);

  await new Summary()
    .heading(`Image ${service.name}`, 3)
    .table(
      ['Field', 'Value'],
      [
        ['Image', code(service.image)],
        ['Tags', meta.tagNames.map(code).join(' ')],
        ['Digest', digest === '' ? '(not exported)' : code(digest)],
        [
          'Revision',
          `[${meta.revision.slice(0, 12)}](${commitUrl(ctx.repository, meta.revision, io.context)})`,
        ],
        ['Pushed', inputs.push ? 'yes' : 'no'],
      ],
      { raw: true },
    )
    .write(io);
}
