// coreIO() is @actions/core and @actions/github on the runner's protocol: run a step in its own process with the
// variables and files a runner gives it, and read what the runner would read.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs, input, recordingIO } from '../src/index.js';

const step = fileURLToPath(new URL('./fixtures/core-io-step.ts', import.meta.url));
// The step runs from a scratch directory, so tsx is named by its file.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-io-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runStep(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', tsx, step],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, cwd: dir },
      (err, stdout) => done({ code: err === null ? 0 : Number(err.code ?? 1), stdout }),
    );
  });
}

describe('coreIO', () => {
  it('reads inputs, writes multi-line outputs, masks, groups, annotates, appends the summary and fails the step', async () => {
    const output = join(dir, 'output');
    const summary = join(dir, 'summary.md');
    await writeFile(output, '');
    await writeFile(summary, '');
    const { code, stdout } = await runStep({
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: 'acme/app',
      INPUT_TOKEN: '  s3cret  ',
      INPUT_NAMES: 'frontend\n\n voting \n',
      INPUT_FLAG: 'True',
    });
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines).toContain('::add-mask::s3cret');
    expect(lines.slice(lines.indexOf('::group::a section'), lines.indexOf('::endgroup::') + 1)).toEqual([
      '::group::a section',
      'inside the section',
      '::endgroup::',
    ]);
    expect(lines).toContain('::warning file=deploy/values.yaml,line=3::pinned twice');
    expect(lines).toContain('::error::Input required and not supplied: last');
    const out = await readFile(output, 'utf8');
    expect(out).toMatch(/^names<<ghadelimiter_[\w-]+\nfrontend\nvoting\nghadelimiter_[\w-]+\n/);
    expect(out).toMatch(/\nflag<<ghadelimiter_[\w-]+\ntrue\n/);
    expect(out).toMatch(/\nrepository<<ghadelimiter_[\w-]+\nacme\/app\n/);
    expect(await readFile(summary, 'utf8')).toBe(
      '## Build\n\nok\n\n- one\n- two\n\n<details><summary>more</summary>\n\nhidden\n\n</details>\n\n### Second\n\n',
    );
  });

  it('does nothing with the summary outside a runner, and succeeds when every input is there', async () => {
    const output = join(dir, 'output-2');
    await writeFile(output, '');
    const { code, stdout } = await runStep({ GITHUB_OUTPUT: output, INPUT_FLAG: 'false', INPUT_LAST: 'x' });
    expect(stdout).not.toContain('::error::');
    expect(code).toBe(0);
  });
});

describe('readInputs', () => {
  const specs = {
    service: input.string({ required: true }),
    context: input.string({ default: '.' }),
    push: input.boolean(false),
    retries: input.positiveInteger(3),
    timeout: input.positiveNumber(300, 'seconds'),
    labels: input.list('gitops'),
    buildArgs: input.lines(),
  };

  it('applies defaults to empty inputs and converts the rest with @actions/core rules', () => {
    expect(readInputs(recordingIO({ service: 'voting' }), specs)).toEqual({
      service: 'voting',
      context: '.',
      push: false,
      retries: 3,
      timeout: 300,
      labels: ['gitops'],
      buildArgs: [],
    });
    expect(
      readInputs(
        recordingIO({
          service: 'voting',
          context: 'apps',
          push: 'TRUE',
          retries: '5',
          timeout: '1.5',
          labels: 'a, b\nc',
          'build-args': 'A=1,2\n\nB=3',
        }),
        specs,
      ),
    ).toEqual({
      service: 'voting',
      context: 'apps',
      push: true,
      retries: 5,
      timeout: 1.5,
      labels: ['a', 'b', 'c'],
      buildArgs: ['A=1,2', 'B=3'],
    });
  });

  it('refuses a missing required input, a non-boolean and a non-positive number, naming the input', () => {
    expect(() => readInputs(recordingIO({}), specs)).toThrow('Input required and not supplied: service');
    expect(() => readInputs(recordingIO({ service: 'v', push: 'yes' }), specs)).toThrow(
      /YAML 1.2 "Core Schema" specification: push/,
    );
    expect(() => readInputs(recordingIO({ service: 'v', retries: '1.5' }), specs)).toThrow(
      'input "retries" must be a positive integer, got "1.5"',
    );
    expect(() => readInputs(recordingIO({ service: 'v', timeout: '0' }), specs)).toThrow(
      'input "timeout" must be a positive number of seconds, got "0"',
    );
  });
});
