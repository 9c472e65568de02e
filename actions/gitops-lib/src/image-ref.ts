// Image references as the GitOps files and the actions' inputs write them: `repo[:tag][@sha256:…]`.

export interface ImageRef {
  repository?: string;
  tag: string;
  digest?: string;
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `tag@digest` → parts; a plain tag has no digest. */
export function splitTagDigest(value: string): { tag: string; digest?: string } {
  const at = value.indexOf('@');
  return at >= 0 ? { tag: value.slice(0, at), digest: value.slice(at + 1) } : { tag: value };
}

/** Split `repo[:tag][@sha256:…]` (the registry may carry a port, so the tag colon is the last one after the last slash). */
export function parseImageReference(ref: string): { repository: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const nameTag = at >= 0 ? ref.slice(0, at) : ref;
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash)
    return {
      repository: nameTag.slice(0, colon),
      tag: nameTag.slice(colon + 1),
      ...(digest ? { digest } : {}),
    };
  return { repository: nameTag, ...(digest ? { digest } : {}) };
}
