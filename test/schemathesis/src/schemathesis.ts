// Runs schemathesis from the virtualenv scripts/provision.sh made for test/schemathesis/requirements.txt.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { MissingToolError } from '@craftista/testkit';

const requirements = path.join(import.meta.dirname, '..', 'requirements.txt');

/** The schemathesis binary of the virtualenv named after the pinned requirements (as provision.sh names it). */
export function schemathesisBinary(): string {
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const root = process.env.CRAFTISTA_VENV_DIR ?? path.join(homedir(), '.cache', 'craftista', 'venv');
  const venv = path.join(root, `schemathesis-${hash}`);
  if (!existsSync(path.join(venv, '.complete'))) {
    throw new MissingToolError(
      `schemathesis is not installed in ${venv}: \`npm test\` installs it (or run scripts/provision.sh)`,
    );
  }
  return path.join(venv, 'bin', 'schemathesis');
}

export interface RunOptions {
  /** The bearer token of the routes that name the kit's `adminToken` scheme (see schemathesis.toml). */
  adminToken?: string;
  seed: number;
  maxExamples: number;
}

/** `schemathesis run --checks all` against `schemaUrl`; resolves with its exit code and its own report. */
export async function runSchemathesis(
  schemaUrl: string,
  options: RunOptions,
): Promise<{ code: number | null; report: string }> {
  // Its own files (reports, hypothesis data) go to a scratch directory, not the repository.
  const cwd = mkdtempSync(path.join(tmpdir(), 'schemathesis-'));
  const args = [
    '--config-file',
    path.join(import.meta.dirname, '..', 'schemathesis.toml'),
    'run',
    schemaUrl,
    '--checks',
    'all',
    '--seed',
    String(options.seed),
    '--max-examples',
    String(options.maxExamples),
    '--generation-database',
    'none',
    '--workers',
    '1',
    '--no-color',
  ];
  try {
    const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_ADMIN_TOKEN: options.adminToken ?? '' };
    const child = spawn(schemathesisBinary(), args, { cwd, env });
    let report = '';
    child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    return { code, report };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
