// Promote's read: the image each target file pins on a branch of the GitOps repository.
import { GitOpsError, type GitHubApi } from './client.js';
import type { ImageRef } from './image-ref.js';
import { readImage } from './image-edit.js';
import { fileAt, readState } from './state.js';
import type { FileTarget } from './targets.js';

/** Read the image each target file pins on a branch (promote uses this for the source environment). */
export async function readImages(
  api: GitHubApi,
  repository: string,
  branch: string,
  files: FileTarget[],
): Promise<ImageRef[]> {
  const paths = [...new Set(files.map((f) => f.path))];
  const state = await readState(api, repository, { base: branch, head: branch }, paths);
  const target = state.repository?.base?.target;
  if (!target)
    throw new GitOpsError(`branch ${branch} not found in ${repository}, or the token cannot see it`);
  return files.map((f) => {
    const file = fileAt(target, paths.indexOf(f.path));
    if (!file || file.text === null)
      throw new GitOpsError(`${f.path} not found on ${branch} in ${repository}`);
    return readImage(file.text, f.target, f.path);
  });
}
