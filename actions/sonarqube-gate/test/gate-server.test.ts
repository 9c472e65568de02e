// sonarqube-gate against a loopback server answering with SonarQube's documented response shapes.
// The ERROR body is SonarQube's own project_status example (SonarSource/sonarqube, LGPL-3.0).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIO } from '@craftista/actions-shared';
import { bundleAction, committedBundle } from '../../shared/scripts/bundle.mjs';
import { run } from '../src/main.js';

const actionDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'squ_3f1c0ffee0123456789abcdef0123456789abcd';

interface Scenario {
  tasks: Array<Record<string, unknown>>;
  gate?: { status: number; body: unknown };
}
let scenario: Scenario;
let requests: Array<{ path: string; query: string; auth: string | undefined }>;
let server: Server;
let base: string;

const task = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'AYhSC2-LY0CHkWJxvNA9',
  type: 'REPORT',
  componentKey: 'craftista-voting',
  status,
  submittedAt: '2026-11-28T07:30:00+0000',
  ...extra,
});
const OK_BODY = {
  projectStatus: {
    status: 'OK',
    ignoredConditions: false,
    conditions: [
      {
        status: 'OK',
        metricKey: 'new_coverage',
        comparator: 'LT',
        errorThreshold: '80',
        actualValue: '91.2',
      },
    ],
  },
};
const ERROR_BODY = {
  projectStatus: {
    status: 'ERROR',
    ignoredConditions: false,
    caycStatus: 'non-compliant',
    conditions: [
      {
        status: 'ERROR',
        metricKey: 'new_coverage',
        comparator: 'LT',
        errorThreshold: '85',
        actualValue: '82.50562381034781',
      },
      {
        status: 'OK',
        metricKey: 'new_sqale_debt_ratio',
        comparator: 'GT',
        errorThreshold: '5',
        actualValue: '0.6562109862671661',
      },
      { status: 'OK', metricKey: 'reopened_issues', comparator: 'GT', actualValue: '0' },
    ],
    period: { mode: 'last_version', date: '2000-04-27T00:45:23+0200', parameter: '2015-12-07' },
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, query: url.search, auth: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const auth = req.headers.authorization;
    const basic = `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`;
    if (auth !== `Bearer ${TOKEN}` && auth !== basic)
      return send(401, { errors: [{ msg: 'Authentication is required' }] });
    if (url.pathname === '/sonarqube/api/ce/task') {
      if (url.searchParams.get('id') !== 'AYhSC2-LY0CHkWJxvNA9')
        return send(404, { errors: [{ msg: "No activity found for task 'x'" }] });
      const next = scenario.tasks.length > 1 ? scenario.tasks.shift()! : scenario.tasks[0]!;
      return send(200, { task: next });
    }
    if (url.pathname === '/sonarqube/api/qualitygates/project_status') {
      const g = scenario.gate ?? { status: 200, body: OK_BODY };
      return send(g.status, g.body);
    }
    send(404, { errors: [{ msg: `Unknown url : ${url.pathname}` }] });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function setup(s: Scenario, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  scenario = s;
  requests = [];
  const root = mkdtempSync(join(tmpdir(), 'sonar-gate-'));
  copyFileSync(
    fileURLToPath(new URL('../../../craftista.services.yaml', import.meta.url)),
    join(root, 'craftista.services.yaml'),
  );
  mkdirSync(join(root, 'apps', 'voting', '.scannerwork'), { recursive: true });
  // Byte for byte the scanner's format (keys in the scanner's order), with a context path in serverUrl.
  writeFileSync(
    join(root, 'apps', 'voting', '.scannerwork', 'report-task.txt'),
    `projectKey=craftista-voting\nserverUrl=${base}/sonarqube\nserverVersion=10.7.0.96327\ndashboardUrl=${base}/sonarqube/dashboard?id=craftista-voting\nceTaskId=AYhSC2-LY0CHkWJxvNA9\nceTaskUrl=${base}/sonarqube/api/ce/task?id=AYhSC2-LY0CHkWJxvNA9\n`,
  );
  writeFileSync(join(root, 'summary.md'), '');
  const io = recordingIO(
    { service: 'voting', config: join(root, 'craftista.services.yaml'), token: TOKEN, ...inputs },
    { GITHUB_STEP_SUMMARY: join(root, 'summary.md'), ...env },
  );
  let t = 0;
  const sleeps: number[] = [];
  const deps = { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) };
  const result = () =>
    run(io, deps).then(
      () => '',
      (e: Error) => e.message,
    );
  return { io, sleeps, result, summary: () => readFileSync(join(root, 'summary.md'), 'utf8'), root };
}

describe('sonarqube-gate', () => {
  it('PENDING -> IN_PROGRESS -> SUCCESS then OK: passes after 2 s and 4 s waits, one project_status call', async () => {
    const s = setup({
      tasks: [task('PENDING'), task('IN_PROGRESS'), task('SUCCESS', { analysisId: 'AYhSC3WDE6ILQDIMAPIp' })],
    });
    expect(await s.result()).toBe('');
    expect(s.sleeps).toEqual([2000, 4000]);
    expect(requests.map((r) => r.path)).toEqual([
      '/sonarqube/api/ce/task',
      '/sonarqube/api/ce/task',
      '/sonarqube/api/ce/task',
      '/sonarqube/api/qualitygates/project_status',
    ]);
    expect(requests.at(-1)!.query).toBe('?analysisId=AYhSC3WDE6ILQDIMAPIp');
    expect(requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(s.io.outputs).toMatchObject({
      'quality-gate-status': 'OK',
      'analysis-id': 'AYhSC3WDE6ILQDIMAPIp',
      'task-id': 'AYhSC2-LY0CHkWJxvNA9',
    });
    expect(s.io.secrets).toEqual([TOKEN]);
    expect(s.io.logs.join('\n')).not.toContain(TOKEN);
  });

  it('ERROR: fails naming the failed condition; the summary lists each condition with actual value and threshold', async () => {
    const s = setup({
      tasks: [task('SUCCESS', { analysisId: 'A1' })],
      gate: { status: 200, body: ERROR_BODY },
    });
    expect(await s.result()).toBe(
      'voting: quality gate failed: new_coverage 82.50562381034781 (fails when < 85)',
    );
    expect(s.io.outputs['quality-gate-status']).toBe('ERROR');
    const md = s.summary();
    expect(md).toContain('### SonarQube voting: ERROR');
    expect(md).toContain('| new_coverage | 82.50562381034781 | LT 85 | ERROR |');
    expect(md).toContain('| new_sqale_debt_ratio | 0.6562109862671661 | GT 5 | OK |');
    expect(md).toContain('| reopened_issues | 0 |  | OK |');
  });

  it('FAILED task: fails with the server’s error message and never asks for the gate', async () => {
    const s = setup({
      tasks: [task('IN_PROGRESS'), task('FAILED', { errorMessage: 'Unsupported language: cobol' })],
    });
    expect(await s.result()).toMatch(/task AYhSC2-LY0CHkWJxvNA9 FAILED\): Unsupported language: cobol/);
    expect(requests.some((r) => r.path.endsWith('project_status'))).toBe(false);
  });

  it('CANCELED task: fails saying so', async () => {
    const s = setup({ tasks: [task('PENDING'), task('CANCELED')] });
    expect(await s.result()).toMatch(/was CANCELED on the server/);
  });

  it('times out with backoff capped at 30 s when the task stays PENDING', async () => {
    const s = setup({ tasks: [task('PENDING')] }, { timeout: '90' });
    expect(await s.result()).toMatch(
      /timed out after 90 s waiting for task AYhSC2-LY0CHkWJxvNA9 \(still PENDING\)/,
    );
    expect(s.sleeps).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('401: the token is rejected', async () => {
    const s = setup({ tasks: [task('SUCCESS', { analysisId: 'A1' })] }, { token: 'squ_revoked' });
    expect(await s.result()).toBe(
      'GET api/ce/task: the token was rejected (missing, expired or revoked) (Authentication is required)',
    );
  });

  it('404 project: the analysis is unknown to the quality gate API', async () => {
    const s = setup({
      tasks: [task('SUCCESS', { analysisId: 'gone' })],
      gate: { status: 404, body: { errors: [{ msg: "Analysis with id 'gone' is not found" }] } },
    });
    expect(await s.result()).toBe(
      "GET api/qualitygates/project_status: not found (Analysis with id 'gone' is not found)",
    );
  });

  it('WARN follows warn-policy; NONE fails unless allowed', async () => {
    const warn = {
      projectStatus: {
        status: 'WARN',
        conditions: [
          {
            status: 'WARN',
            metricKey: 'new_bugs',
            comparator: 'GT',
            warningThreshold: '0',
            actualValue: '2',
          },
        ],
      },
    };
    expect(
      await setup({
        tasks: [task('SUCCESS', { analysisId: 'A' })],
        gate: { status: 200, body: warn },
      }).result(),
    ).toMatch(/quality gate WARN: new_bugs 2 \(fails when > 0\)/);
    const passing = setup(
      { tasks: [task('SUCCESS', { analysisId: 'A' })], gate: { status: 200, body: warn } },
      { 'warn-policy': 'pass' },
    );
    expect(await passing.result()).toBe('');
    expect(passing.io.logs.some((l) => l.startsWith('warning: voting: quality gate WARN'))).toBe(true);
    const none = { projectStatus: { status: 'NONE' } };
    expect(
      await setup({
        tasks: [task('SUCCESS', { analysisId: 'A' })],
        gate: { status: 200, body: none },
      }).result(),
    ).toMatch(/no quality gate is associated/);
    expect(
      await setup(
        { tasks: [task('SUCCESS', { analysisId: 'A' })], gate: { status: 200, body: none } },
        { 'allow-no-gate': 'true' },
      ).result(),
    ).toBe('');
  });

  it('sends the token as Basic token: when asked, and SONAR_HOST_URL overrides the file’s server', async () => {
    const s = setup(
      { tasks: [task('SUCCESS', { analysisId: 'A' })] },
      { 'auth-scheme': 'basic' },
      { SONAR_HOST_URL: `${base}/sonarqube/` },
    );
    expect(await s.result()).toBe('');
    expect(requests[0]!.auth).toBe(`Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`);
  });

  it('explains a missing report-task.txt, a report for another project, and a bad timeout', async () => {
    const missing = setup({ tasks: [] }, { service: 'catalogue' });
    expect(await missing.result()).toMatch(
      /apps\/catalogue\/.scannerwork\/report-task.txt not found: run the scanner for catalogue first/,
    );
    const other = setup({ tasks: [] });
    writeFileSync(
      join(other.root, 'apps/voting/.scannerwork/report-task.txt'),
      'projectKey=someone-else\nserverUrl=http://127.0.0.1:9\nceTaskId=T\n',
    );
    expect(await other.result()).toMatch(/is for project someone-else, but voting is craftista-voting/);
    expect(await setup({ tasks: [] }, { timeout: '0' }).result()).toMatch(
      /timeout" must be a positive number/,
    );
  });
});

describe('dist', () => {
  it('is the bundle of the current sources (run `npm run build -w @craftista/sonarqube-gate`)', async () => {
    expect(
      committedBundle(actionDir) === (await bundleAction(actionDir)),
      'actions/sonarqube-gate/dist/index.js is stale',
    ).toBe(true);
  });
});
