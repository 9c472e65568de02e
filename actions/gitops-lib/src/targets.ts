// From the services configuration to the files and keys to edit, the branch name, and the token check.
import { gitopsPaths, type ServiceConfig } from '@craftista/actions-shared';
import type { ImageTarget } from './image-edit.js';

/** One file to edit and where in it the service's image is. */
export interface FileTarget {
  path: string;
  target: ImageTarget;
}

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
