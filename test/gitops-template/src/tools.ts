// Locates the pinned Go tools that scripts/install-tools.sh builds. Tests run the real binaries and
// fail (never skip) with the command that installs a missing one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const TOOL_VERSIONS = { kustomize: 'v5.7.1', helm: 'v3.22.0', trivy: 'v0.74.0' } as const;
export type Tool = keyof typeof TOOL_VERSIONS;

export function toolsDir(): string {
  return process.env.CRAFTISTA_TOOLS_DIR ?? join(homedir(), '.cache', 'craftista', 'tools');
}

/** Absolute path of the pinned tool: the install-tools cache first, then PATH. */
export function findTool(tool: Tool): string {
  const pinned = join(toolsDir(), `${tool}-${TOOL_VERSIONS[tool]}`, tool);
  if (existsSync(pinned)) return pinned;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  throw new Error(
    `${tool} ${TOOL_VERSIONS[tool]} not found in ${pinned} or on PATH: run scripts/install-tools.sh ${tool}`,
  );
}

export function run(tool: Tool, args: string[], cwd?: string): string {
  try {
    return execFileSync(findTool(tool), args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}
