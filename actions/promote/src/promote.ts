// Promotion: read the images pinned in one environment and propose exactly those (same tag, same digest)
// for the next one. No rebuild, no registry lookup: the digest that ran in the source environment is the
// one the target gets.
import { compareUrl, type Instance, type ServiceConfig } from '@craftista/actions-shared';
import {
  fileTargets,
  readImages,
  type FileOutcome,
  type GitHubApi,
  type ImageRef,
  type ServiceChange,
} from '@craftista/gitops-lib';

export class PromoteError extends Error {
  override name = 'PromoteError';
}

/** The image each service runs in `from`, checked: pinned by digest, and the same in every file of the service. */
export async function sourceImages(
  api: GitHubApi,
  repository: string,
  branch: string,
  services: ServiceConfig[],
  from: string,
): Promise<ServiceChange[]> {
  const perService = services.map((s) => ({ service: s, files: fileTargets(s, from) }));
  const all = perService.flatMap((p) => p.files);
  const images = await readImages(api, repository, branch, all);
  let i = 0;
  return perService.map(({ service }) => {
    const found: { path: string; image: ImageRef }[] = fileTargets(service, from).map((f) => ({
      path: f.path,
      image: images[i++]!,
    }));
    const first = found[0]!.image;
    if (!first.digest)
      throw new PromoteError(
        `${service.name} in ${from} (${found[0]!.path}) is not pinned by digest; promote copies digests, so pin it first`,
      );
    for (const f of found.slice(1))
      if (f.image.tag !== first.tag || f.image.digest !== first.digest)
        throw new PromoteError(
          `${service.name} in ${from}: ${found[0]!.path} pins ${first.tag}@${first.digest} but ${f.path} pins ${f.image.tag}@${f.image.digest ?? '(no digest)'}; fix ${from} first`,
        );
    return {
      service: service.name,
      files: [],
      image: {
        ...(first.repository ? { repository: first.repository } : {}),
        tag: first.tag,
        digest: first.digest,
      },
    };
  });
}

const SHA_TAG = /^sha-([0-9a-f]{7,40})$/;

/** Links comparing the application's source between the old and new image, when tags carry the commit. */
export function compareLinks(
  outcomes: FileOutcome[],
  sourceRepository: string | undefined,
  at: Instance,
): { service: string; url: string }[] {
  if (!sourceRepository) return [];
  const seen = new Set<string>();
  const out: { service: string; url: string }[] = [];
  for (const o of outcomes) {
    const a = SHA_TAG.exec(o.before.tag);
    const b = SHA_TAG.exec(o.after.tag);
    if (!a || !b || a[1] === b[1] || seen.has(o.service)) continue;
    seen.add(o.service);
    out.push({ service: o.service, url: compareUrl(sourceRepository, a[1]!, b[1]!, at) });
  }
  return out;
}
