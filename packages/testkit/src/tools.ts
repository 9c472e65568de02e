import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where scripts/install-tools.sh installs the pinned Go tools. */
export const toolsDir = () =>
  process.env.CRAFTISTA_TOOLS_DIR ?? path.join(homedir(), '.cache', 'craftista', 'tools');

/** Thrown when a server or tool the tests need is not on this machine; the message says how to get it. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** The versions scripts/install-tools.sh pins (a stack test checks the two agree). */
export const PINNED_TOOLS = {
  ferretdb: 'v1.24.2',
  'compose-config': 'v2.16.2',
  actionlint: 'v1.7.12',
  kustomize: 'v5.7.1',
  helm: 'v3.22.0',
  trivy: 'v0.74.0',
  act: 'v0.2.89',
  buildx: 'v0.38.2',
  'docker-compose': 'v5.6.0',
} as const;

/** Finds a pinned tool installed by install-tools.sh, else on PATH; fails saying how to get it. */
export function findTool(
  name: string,
  version: string = (PINNED_TOOLS as Record<string, string>)[name] ?? 'any version',
): string {
  const built = path.join(toolsDir(), `${name}-${version}`, name);
  if (existsSync(built)) return built;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new MissingToolError(
    name in PINNED_TOOLS
      ? `${name} ${version} is not on this machine: \`npm test\` installs it (or run scripts/install-tools.sh ${name})`
      : `${name} is not on this machine: \`npm test\` installs it as root (or run apt-get install -y ${name})`,
  );
}

/** The newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<v>/bin, or PATH. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new MissingToolError(
    'PostgreSQL server binaries not found. Install them with: apt-get install -y postgresql',
  );
}

export function redisServerBinary(): string {
  for (const candidate of [
    '/usr/bin/redis-server',
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'redis-server')),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new MissingToolError('redis-server not found. Install it with: apt-get install -y redis-server');
}
