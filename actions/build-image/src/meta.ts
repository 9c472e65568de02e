// Image tags and OCI labels from the GitHub context: a pure function in the manner of
// docker/metadata-action, with the choices Craftista needs fixed rather than configurable.
import type { BuildContext } from './context.js';

export interface MetaInput {
  /** Image repository without tag, e.g. ghcr.io/craftista/craftista-voting. */
  image: string;
  /** org.opencontainers.image.title. */
  title: string;
  context: BuildContext;
  /** Web address of the source repository (from GITHUB_SERVER_URL). */
  sourceUrl: string;
  /** Overrides the payload's repository.default_branch. */
  defaultBranch?: string;
  now: Date;
  shaLength?: number;
}

export interface Meta {
  /** The most specific tag: 1.2.3, pr-42, the branch name, or sha-<7>. */
  version: string;
  /** sha-<7> of the revision: pushed with every build and never moved, so deployments can name it. */
  shaTag: string;
  /** Tag names without the repository. */
  tagNames: string[];
  /** Full references, image:tag. */
  tags: string[];
  labels: Record<string, string>;
  /** The commit the image is built from (the PR head on pull requests). */
  revision: string;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
const SEMVER =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** A Docker tag from free text: [A-Za-z0-9_.-], not starting with "." or "-", at most 128 characters. */
export function sanitizeTag(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[.-]+/, '');
  return cleaned.slice(0, 128);
}

export interface SemverTags {
  version: string;
  tags: string[];
}

/** v1.2.3 -> 1.2.3, 1.2, 1; v0.4.1 -> 0.4.1, 0.4; a pre-release only gets its full version. */
export function semverTags(gitTag: string): SemverTags | undefined {
  const m = SEMVER.exec(gitTag);
  if (m === null) return undefined;
  const [, major, minor, patch, pre, build] = m;
  const version = sanitizeTag(
    `${major}.${minor}.${patch}${pre !== undefined ? `-${pre}` : ''}${build !== undefined ? `-${build}` : ''}`,
  );
  if (pre !== undefined) return { version, tags: [version] };
  const tags = [version, `${major}.${minor}`];
  if (major !== '0') tags.push(String(major));
  return { version, tags };
}

function pullRequestNumber(ctx: BuildContext): number {
  const fromPayload = ctx.payload.pull_request?.number;
  if (typeof fromPayload === 'number') return fromPayload;
  const m = /^refs\/pull\/(\d+)\//.exec(ctx.ref);
  if (m === null) throw new Error(`${ctx.eventName} event without a pull request number (ref ${ctx.ref})`);
  return Number(m[1]);
}

export function computeMeta(input: MetaInput): Meta {
  const { context: ctx } = input;
  const shaLength = input.shaLength ?? 7;
  const isPr = PR_EVENTS.has(ctx.eventName);
  // On pull requests GITHUB_SHA is a merge commit nobody can check out later; tag the head instead.
  const revision = isPr ? (ctx.payload.pull_request?.head?.sha ?? ctx.sha) : ctx.sha;
  const shaTag = `sha-${revision.slice(0, shaLength)}`;
  const defaultBranch = input.defaultBranch ?? ctx.payload.repository?.default_branch;

  let version: string;
  const names: string[] = [];
  if (isPr) {
    version = `pr-${pullRequestNumber(ctx)}`;
    names.push(version);
  } else if (ctx.ref.startsWith('refs/tags/')) {
    const gitTag = ctx.ref.slice('refs/tags/'.length);
    const semver = semverTags(gitTag);
    version = semver?.version ?? sanitizeTag(gitTag);
    names.push(...(semver?.tags ?? [version]));
  } else if (ctx.ref.startsWith('refs/heads/')) {
    const branch = ctx.ref.slice('refs/heads/'.length);
    version = sanitizeTag(branch);
    names.push(version);
  } else {
    version = shaTag;
  }
  names.push(shaTag);
  const isDefaultBranch = !isPr && defaultBranch !== undefined && ctx.ref === `refs/heads/${defaultBranch}`;
  if (isDefaultBranch) names.push('latest');

  const tagNames = [...new Set(names.filter((n) => n !== ''))];
  return {
    version,
    shaTag,
    tagNames,
    tags: tagNames.map((t) => `${input.image}:${t}`),
    revision,
    labels: {
      'org.opencontainers.image.created': input.now.toISOString(),
      'org.opencontainers.image.revision': revision,
      'org.opencontainers.image.source': input.sourceUrl,
      'org.opencontainers.image.title': input.title,
      'org.opencontainers.image.version': version,
    },
  };
}
