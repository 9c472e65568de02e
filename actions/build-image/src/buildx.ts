// The `docker buildx build` command line for one service, and the digest from its --metadata-file.
export type Provenance = 'false' | 'true' | 'mode=min' | 'mode=max';
export type CacheMode = 'gha' | 'none';

export interface BuildxOptions {
  context: string;
  dockerfile: string;
  target?: string;
  tags: string[];
  labels: Record<string, string>;
  platforms: string[];
  push: boolean;
  load: boolean;
  provenance: Provenance;
  cache: CacheMode;
  /** GHA cache scope; one per service so images in a monorepo don't evict each other. */
  cacheScope: string;
  buildArgs: string[];
  /** Network of the build's RUN steps (buildx --network): default, host or none; '' leaves buildx's default. */
  network: string;
  metadataFile: string;
}

export function parseProvenance(value: string): Provenance {
  const v = value.trim() === '' ? 'false' : value.trim();
  if (v === 'false' || v === 'true' || v === 'mode=min' || v === 'mode=max') return v;
  throw new Error(`input "provenance" must be false, true, mode=min or mode=max, got "${value}"`);
}

export function parseCache(value: string): CacheMode {
  const v = value.trim();
  if (v === 'gha' || v === 'none') return v;
  throw new Error(`input "cache" must be gha or none, got "${value}"`);
}

export function parseNetwork(value: string): string {
  const v = value.trim();
  if (v === '' || v === 'default' || v === 'host' || v === 'none') return v;
  throw new Error(`input "network" must be default, host or none, got "${value}"`);
}

export function buildxArgs(o: BuildxOptions): string[] {
  if (o.push && o.load)
    throw new Error(
      'push and load are exclusive: push sends the image to the registry, load keeps it in the local engine',
    );
  if (o.load && o.platforms.length > 1)
    throw new Error('load works for one platform only: the local image store holds one platform per tag');
  for (const arg of o.buildArgs) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) throw new Error(`build-arg "${arg}" is not NAME=value`);
  }
  const args = ['buildx', 'build', '--file', o.dockerfile];
  if (o.target !== undefined) args.push('--target', o.target);
  for (const tag of o.tags) args.push('--tag', tag);
  for (const [key, value] of Object.entries(o.labels)) args.push('--label', `${key}=${value}`);
  for (const arg of o.buildArgs) args.push('--build-arg', arg);
  if (o.platforms.length > 0) args.push('--platform', o.platforms.join(','));
  if (o.network !== '') args.push('--network', o.network);
  args.push(`--provenance=${o.provenance}`);
  if (o.cache === 'gha') {
    args.push(
      '--cache-from',
      `type=gha,scope=${o.cacheScope}`,
      '--cache-to',
      `type=gha,mode=max,scope=${o.cacheScope}`,
    );
  }
  args.push('--metadata-file', o.metadataFile);
  if (o.push) args.push('--push');
  if (o.load) args.push('--load');
  args.push(o.context);
  return args;
}

export interface BuildResult {
  /** Manifest (or index) digest, sha256:<64 hex>. */
  digest: string | undefined;
  configDigest: string | undefined;
  imageName: string | undefined;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Reads buildx's --metadata-file JSON; `containerimage.digest` is the pushed manifest's digest. */
export function parseBuildMetadata(text: string): BuildResult {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`buildx metadata file is not JSON: ${(err as Error).message}`);
  }
  const str = (key: string): string | undefined =>
    typeof data[key] === 'string' ? (data[key] as string) : undefined;
  const descriptor = data['containerimage.descriptor'] as { digest?: unknown } | undefined;
  const digest =
    str('containerimage.digest') ?? (typeof descriptor?.digest === 'string' ? descriptor.digest : undefined);
  if (digest !== undefined && !DIGEST.test(digest))
    throw new Error(`buildx metadata has a malformed digest "${digest}"`);
  return { digest, configDigest: str('containerimage.config.digest'), imageName: str('image.name') };
}
