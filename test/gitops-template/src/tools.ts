// Runs the pinned Go tools (found by the testkit's findTool); tests fail, never skip, when one is missing.
import { execFileSync } from 'node:child_process';
import { findTool } from '@craftista/testkit';

export type Tool = 'kustomize' | 'helm' | 'trivy';

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
