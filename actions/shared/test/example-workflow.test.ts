// The example workflow that uses the three toolkit-I actions passes actionlint (with shellcheck for run:
// scripts, and the local actions' action.yml inputs checked), and pins every third-party action by SHA.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findTool } from '@craftista/testkit';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const example = 'actions/examples/toolkit-i.yml';

function actionlint(stdin?: { name: string; text: string }): { code: number; out: string } {
  // shellcheck comes from Debian (apt-get install -y shellcheck), so only PATH has it.
  const args = ['-shellcheck', findTool('shellcheck', 'system'), '-no-color'];
  const r = stdin
    ? spawnSync(findTool('actionlint', 'v1.7.12'), [...args, '-stdin-filename', stdin.name, '-'], {
        cwd: repoRoot,
        input: stdin.text,
        encoding: 'utf8',
      })
    : spawnSync(findTool('actionlint', 'v1.7.12'), [...args, example], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

describe(example, () => {
  it('passes actionlint with shellcheck', () => {
    const { code, out } = actionlint();
    expect(out).toBe('');
    expect(code).toBe(0);
  });

  it('is really checked: a misspelt input of a local action and a shell fault are reported', () => {
    const text = readFileSync(join(repoRoot, example), 'utf8')
      .replace("          provenance: 'false'", "          provenence: 'false'")
      .replace('>> "$GITHUB_OUTPUT"', '>> $GITHUB_OUTPUT');
    const { code, out } = actionlint({ name: example, text });
    expect(code).toBe(1);
    expect(out).toMatch(/input "provenence" is not defined in action "craftista build-image"/);
    expect(out).toMatch(/shellcheck reported issue in this script: SC2086/);
  });

  it('pins every third-party action to a full commit SHA', () => {
    const uses = [...readFileSync(join(repoRoot, example), 'utf8').matchAll(/uses:\s*(\S+)/g)].map(
      (m) => m[1]!,
    );
    expect(uses.length).toBeGreaterThan(5);
    for (const u of uses) expect(u, u).toMatch(/^(\.\/actions\/[a-z-]+|[\w.-]+\/[\w./-]+@[0-9a-f]{40})$/);
    expect(
      execFileSync('git', ['ls-files', '--error-unmatch', 'scripts/install-tools.sh'], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim(),
    ).toBe('scripts/install-tools.sh');
  });
});
