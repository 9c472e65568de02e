// What gitops-bump's own inputs mean: the `images` lines and the trivy counts for the PR body.
import { parseImageReference, splitTagDigest, type ImageRef } from '@craftista/gitops-lib';

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
      : { repository: undefined, ...splitTagDigest(value) };
    if (!parsed.tag) throw new Error(`images: "${line}" has no tag`);
    out.set(service, {
      ...(parsed.repository ? { repository: parsed.repository } : {}),
      tag: parsed.tag,
      ...(parsed.digest ? { digest: parsed.digest } : {}),
    });
  }
  return out;
}

/** `critical=0,high=2` or a JSON object → counts. */
export function parseCounts(text: string): Record<string, number> | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('{')) {
    const obj = JSON.parse(t) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(obj)
        .filter(([, v]) => typeof v === 'number' || /^\d+$/.test(String(v)))
        .map(([k, v]) => [k.toLowerCase(), Number(v)]),
    );
  }
  return Object.fromEntries(
    t
      .split(/[,\n]/)
      .filter((p) => p.includes('='))
      .map((p) => {
        const [k, v] = p.split('=') as [string, string];
        if (!/^\s*\d+\s*$/.test(v)) throw new Error(`trivy counts: "${p}" is not severity=<number>`);
        return [k.trim().toLowerCase(), Number(v)];
      }),
  );
}
