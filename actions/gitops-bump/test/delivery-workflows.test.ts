// What images.yml and ci.yml must do for a real run to get through, checked on the workflow files themselves:
// the affected-services step is run for real (bash, git, turbo) in a scratch repository, and the trivy install
// step for real on this machine.
import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  existsSync,
} from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { ACTION_RUNTIME, NODE_TARGETS } from '../../shared/scripts/bundle.mjs';
import { toolsDir } from '@craftista/testkit';
import { ROOT_BUILD_INPUTS, affectedServices } from '../scripts/affected-services.mjs';
import { CONFIG, ROOT } from './helpers.js';

// Real git and turbo processes on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const exec = promisify(execFile);
const ALL = ['frontend', 'catalogue', 'voting', 'recommendation'];

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflow = (name: string) =>
  parse(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8')) as { jobs: Record<string, Job> };

const images = workflow('images.yml');
const imageSteps = images.jobs['image']!.steps;
const indexOf = (pred: (s: Step) => boolean, what: string) => {
  const i = imageSteps.findIndex(pred);
  expect(i, `images.yml job image has no step that ${what}`).toBeGreaterThanOrEqual(0);
  return i;
};

describe('images.yml, job affected: the step script run for real in a scratch git repository', () => {
  let repo: string;
  let script: string;
  const git = (...args: string[]) => exec('git', args, { cwd: repo }).then((r) => r.stdout.trim());

  beforeAll(async () => {
    const step = images.jobs['affected']!.steps.find((s) => s.id === 'affected');
    script = step!.run!;
    // The repository's tracked files as they are in the working tree (so the scripts under test are the
    // current ones), with the installed node_modules for turbo and the script's yaml import.
    repo = await mkdtemp(join(tmpdir(), 'affected-'));
    const { stdout } = await exec('git', ['ls-files', '-z'], { cwd: ROOT, maxBuffer: 8 << 20 });
    for (const file of stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(ROOT, file))) continue;
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(repo, file));
    }
    await symlink(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base');
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  /** Commit a change to `file` (or none), then run the step as the runner would for a push from `before`. */
  async function push(file: string | undefined, before: (previous: string) => string): Promise<string[]> {
    const previous = await git('rev-parse', 'HEAD');
    if (file) {
      await writeFile(join(repo, file), `${await readFile(join(repo, file), 'utf8')}\n`);
      await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', file);
    }
    const temp = await mkdtemp(join(tmpdir(), 'runner-'));
    try {
      await writeFile(join(temp, 'output'), '');
      await exec('bash', ['-e', '-c', script], {
        cwd: repo,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? temp,
          TURBO_TELEMETRY_DISABLED: '1',
          BEFORE: before(previous),
          GITHUB_SHA: await git('rev-parse', 'HEAD'),
          RUNNER_TEMP: temp,
          GITHUB_OUTPUT: join(temp, 'output'),
          GITHUB_STEP_SUMMARY: join(temp, 'summary'),
        },
      });
      const out = await readFile(join(temp, 'output'), 'utf8');
      const m = /^services=(.*)$/m.exec(out);
      expect(m, `no services output in:\n${out}`).not.toBeNull();
      return JSON.parse(m![1]!) as string[];
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  it('a first push (before is all zeros) affects every service instead of crashing turbo', async () => {
    expect(await push(undefined, () => '0'.repeat(40))).toEqual(ALL);
  });

  it('a force push (before is a commit the clone does not have) affects every service', async () => {
    expect(await push('apps/voting/src/app.ts', () => 'deadbeef'.repeat(5))).toEqual(ALL);
  });

  it('an ordinary push affects the services whose workspace changed, through turbo', async () => {
    expect(await push('apps/voting/src/app.ts', (p) => p)).toEqual(['voting']);
    expect(await push('packages/contracts/package.json', (p) => p)).toEqual(ALL);
    expect(await push('actions/gitops-bump/README.md', (p) => p)).toEqual([]);
  });

  it('a change to a root build input (tsconfig.base.json) rebuilds every image', async () => {
    expect(await push('tsconfig.base.json', (p) => p)).toEqual(ALL);
  });
});

describe('images.yml, the mapping from changed files to services', () => {
  const config = readFileSync(CONFIG, 'utf8');
  const noWorkspace = JSON.stringify({ packageManager: 'npm', packages: { count: 0, items: [] } });

  it('every root build input marks every service affected, though turbo lists no workspace for it', () => {
    for (const file of ['tsconfig.base.json', 'package.json', 'package-lock.json', 'docker/Dockerfile'])
      expect(affectedServices(config, noWorkspace, `README.md\n${file}\n`), file).toEqual(ALL);
    expect(affectedServices(config, noWorkspace, 'README.md\ndocs/tsconfig.base.json\n')).toEqual([]);
  });

  it('names every root file that docker/Dockerfile copies by name as a root build input', () => {
    const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(\S+)\s+\S+\s*$/gm)]
      .map((m) => m[1]!)
      .filter((src) => src !== '.');
    expect(copied).toContain('tsconfig.base.json');
    for (const src of copied) expect(ROOT_BUILD_INPUTS).toContain(src);
  });
});

describe('images.yml, job image', () => {
  it('installs the pinned trivy and puts it on PATH before the trivy-scan step', async () => {
    const scan = indexOf((s) => s.uses === './actions/trivy-scan', 'runs trivy-scan');
    const install = indexOf((s) => /scripts\/install-tools\.sh trivy\b/.test(s.run ?? ''), 'installs trivy');
    expect(install).toBeLessThan(scan);
    // Run the install step as the runner would: on this machine the pinned trivy is already provisioned.
    const temp = await mkdtemp(join(tmpdir(), 'runner-'));
    try {
      await writeFile(join(temp, 'path'), '');
      // The step looks where install-tools.sh puts tools by default, ~/.cache/craftista/tools, as on a runner: a
      // home whose tool cache is this machine's (wherever CRAFTISTA_TOOLS_DIR put it).
      const home = join(temp, 'home');
      mkdirSync(join(home, '.cache', 'craftista'), { recursive: true });
      await symlink(toolsDir(), join(home, '.cache', 'craftista', 'tools'));
      const { CRAFTISTA_TOOLS_DIR: _dir, ...inherited } = process.env;
      const env = { ...inherited, HOME: home, GITHUB_PATH: join(temp, 'path'), RUNNER_TEMP: temp };
      await exec('bash', ['-e', '-c', imageSteps[install]!.run!], { cwd: ROOT, env });
      const dirs = (await readFile(join(temp, 'path'), 'utf8')).trim().split('\n');
      expect(dirs).toHaveLength(1);
      accessSync(join(dirs[0]!, 'trivy'), constants.X_OK);
      const { stdout } = await exec(join(dirs[0]!, 'trivy'), ['--version']);
      expect(stdout).toMatch(/^Version: /m);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  });

  it('uploads the SARIF to code scanning, even when the gate fails the scan step', () => {
    const scan = imageSteps.find((s) => s.uses === './actions/trivy-scan')!;
    const upload = indexOf(
      (s) => (s.uses ?? '').startsWith('github/codeql-action/upload-sarif@'),
      'uploads SARIF',
    );
    expect(upload).toBeGreaterThan(imageSteps.indexOf(scan));
    const step = imageSteps[upload]!;
    expect(step.with?.['sarif_file']).toBe(`\${{ steps.${scan.id}.outputs.sarif-file }}`);
    expect(step.if).toMatch(/always\(\)/);
    expect(images.jobs['image']!.permissions).toMatchObject({ 'security-events': 'write' });
  });

  it('bumps dev with the immutable sha-<7> tag and the digest, never the moving branch tag', () => {
    const build = imageSteps.find((s) => s.uses === './actions/build-image')!;
    const bump = imageSteps[indexOf((s) => s.uses === './actions/gitops-bump', 'bumps dev')]!;
    expect(bump.with).toMatchObject({
      tag: `\${{ steps.${build.id}.outputs.sha-tag }}`,
      digest: `\${{ steps.${build.id}.outputs.digest }}`,
    });
    const action = parse(readFileSync(join(ROOT, 'actions', 'build-image', 'action.yml'), 'utf8')) as {
      outputs: Record<string, unknown>;
    };
    expect(Object.keys(action.outputs)).toContain('sha-tag');
  });

  it('scans the pushed image for vulnerabilities, and lets a runner that cannot download the DB give its own', () => {
    const scan = imageSteps[indexOf((s) => s.uses === './actions/trivy-scan', 'scans the image')]!;
    // no scanners override: the action's default for images, vuln and secret
    expect(scan.with?.['scanners']).toBeUndefined();
    expect(scan.with).toMatchObject({
      'cache-dir': '${{ vars.TRIVY_CACHE_DIR }}',
      'skip-db-update': '${{ vars.TRIVY_SKIP_DB_UPDATE }}',
    });
  });

  it("passes the runner's build network to build-image, and build-image declares that input", () => {
    const build = imageSteps[indexOf((s) => s.uses === './actions/build-image', 'builds the image')]!;
    expect(build.with?.['network']).toBe('${{ vars.BUILD_NETWORK }}');
    const action = parse(readFileSync(join(ROOT, 'actions', 'build-image', 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    // empty by default: GitHub's runners keep buildx's own network
    expect(action.inputs['network']?.default).toBe('');
  });
});

describe('ci.yml and the actions runtime', () => {
  // trivy v0.74.0's go.mod (from the Go module proxy) says `go 1.26.3`; recheck it when the pin moves.
  const TRIVY = { version: 'v0.74.0', go: [1, 26, 3] };

  it("sets up a Go that builds the pinned trivy (its go.mod's go line)", () => {
    const install = readFileSync(join(ROOT, 'scripts', 'install-tools.sh'), 'utf8');
    expect(install).toMatch(new RegExp(`\\[trivy\\]=${TRIVY.version.replaceAll('.', '\\.')}\\b`));
    const steps = workflow('ci.yml').jobs['test']!.steps;
    const go = steps.find((s) => (s.uses ?? '').startsWith('actions/setup-go@'));
    const spec = String(go?.with?.['go-version']);
    const m = /^(\d+)\.(\d+)(?:\.(\d+|x))?$/.exec(spec);
    expect(m, `go-version "${spec}"`).not.toBeNull();
    const [major, minor] = [Number(m![1]), Number(m![2])];
    expect([major, minor]).toEqual(TRIVY.go.slice(0, 2));
    if (m![3] === undefined || m![3] === 'x')
      // a 1.26 range resolves to the newest patch only with check-latest (else a runner's cached 1.26.0)
      expect(String(go?.with?.['check-latest'])).toBe('true');
    else expect(Number(m![3])).toBeGreaterThanOrEqual(TRIVY.go[2]!);
  });

  it('runs every action on one Node runtime, and bundles for it and for the Node the tests run on', () => {
    const actions = readdirSync(join(ROOT, 'actions')).filter((d) =>
      existsSync(join(ROOT, 'actions', d, 'action.yml')),
    );
    expect(actions.length).toBeGreaterThanOrEqual(5);
    for (const a of actions) {
      const yml = parse(readFileSync(join(ROOT, 'actions', a, 'action.yml'), 'utf8')) as {
        runs: { using: string };
      };
      expect(yml.runs.using, `actions/${a}/action.yml`).toBe(ACTION_RUNTIME);
    }
    expect(NODE_TARGETS).toContain(ACTION_RUNTIME);
    expect(NODE_TARGETS).toContain(`node${process.versions.node.split('.')[0]}`);
  });
});
