// From the services configuration to the files and keys to edit, the branch name, and the token check.
import { gitopsPaths, type ServiceConfig } from '@craftista/actions-shared';
import type { FileTarget } from './gitops.js';
import { parseImageReference, type ImageRef } from './yaml-edit.js';

export function fileTargets(service: ServiceConfig, env: string): FileTarget[] {
  const paths = gitopsPaths(service, env);
  const out: FileTarget[] = [];
  if (paths.kustomize)
    out.push({ path: paths.kustomize, target: { kind: 'kustomize', image: service.image } });
  if (paths.helm) out.push({ path: paths.helm.file, target: { kind: 'helm', key: paths.helm.key } });
  return out;
}

/** craftista/<env>/<service>, or one batch branch for several services (suffixed with the source commit). */
export function branchFor(env: string, services: string[], sourceSha?: string, kind = 'batch'): string {
  if (services.length === 1) return `craftista/${env}/${services[0]}`;
  return `craftista/${env}/${kind}${sourceSha ? `-${sourceSha.slice(0, 7)}` : ''}`;
}

/**
 * The workflow's own GITHUB_TOKEN cannot write to another repository, and pull requests it opens never
 * trigger workflows (so the GitOps repository's checks would not run). Refuse it up front.
 */
export function checkToken(
  token: string,
  workflowToken: string,
  repository: string,
  currentRepository?: string,
): void {
  if (token === '')
    throw new Error(
      'input "token" is required: a GitHub App installation token or a fine-grained PAT with contents and pull-requests write on ' +
        repository,
    );
  if (workflowToken !== '' && token === workflowToken) {
    const where =
      currentRepository && currentRepository.toLowerCase() !== repository.toLowerCase()
        ? `it cannot write to ${repository} (another repository), and `
        : '';
    throw new Error(
      `the token is this workflow's GITHUB_TOKEN: ${where}pull requests it opens do not trigger workflows on ${repository}. ` +
        'Use a GitHub App token (actions/create-github-app-token) or a fine-grained PAT with contents: write and pull-requests: write on the GitOps repository.',
    );
  }
}

/** `service=tag[@sha256:…]` lines, or a full `repo:tag@sha256:…` reference after the `=`. */
export function parseImagesInput(text: string): Map<string, ImageRef> {
  const out = new Map<string, ImageRef>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`images: "${line}" is not service=tag[@digest]`);
    const service = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const parsed = value.includes('/')
      ? parseImageReference(value)
      : { repository: undefined, ...splitAt(value) };
    if (!parsed.tag) throw new Error(`images: "${line}" has no tag`);
    out.set(service, {
      ...(parsed.repository ? { repository: parsed.repository } : {}),
      tag: parsed.tag,
      ...(parsed.digest ? { digest: parsed.digest } : {}),
    });
  }
  return out;
}

function splitAt(v: string): { tag: string; digest?: string } {
  const at = v.indexOf('@');
  return at < 0 ? { tag: v } : { tag: v.slice(0, at), digest: v.slice(at + 1) };
}
