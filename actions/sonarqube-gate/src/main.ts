// Optionally scans one service, then waits for its analysis and applies the quality gate.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { execCommand } from '@craftista/actions-shared/exec';
import { getService, loadServicesConfig } from '@craftista/actions-shared/services-config';
import { link, Summary } from '@craftista/actions-shared/summary';
import { SonarClient } from './client.js';
import { decide, describeCondition, type ProjectStatus } from './gate.js';
import { getInputs } from './inputs.js';
import { waitForTask } from './poll.js';
import { parseReportTask } from './report-task.js';
import { scannerArgs } from './scanner.js';

export interface RunDeps {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
}

export async function run(io: ActionIO, deps: RunDeps = {}): Promise<void> {
  const inputs = getInputs(io);
  const configPath = inputs.config;
  const config = loadServicesConfig(configPath);
  const service = getService(config, inputs.service);
  const root = configPath !== undefined ? dirname(configPath) : dirname(config.source);
  const baseDir = join(root, service.path);
  const token = inputs.token;
  io.secret(token);
  const hostOverride = inputs.hostUrl;

  if (inputs.runScanner) {
    if (hostOverride === '') throw new Error('run-scanner needs host-url (or SONAR_HOST_URL)');
    const args = scannerArgs({
      projectKey: service.sonarProjectKey,
      baseDir,
      hostUrl: hostOverride,
      extra: inputs.scannerArgs,
    });
    const scan = await io.group(`SonarQube scanner ${service.name}`, () => {
      io.info(`npx ${args.join(' ')}`);
      // The token goes through the environment, never the command line.
      return execCommand('npx', args, {
        cwd: baseDir,
        env: { ...process.env, ...io.env, SONAR_TOKEN: token },
      });
    });
    if (scan.code !== 0) throw new Error(`the SonarQube scanner failed with exit code ${scan.code}`);
  }

  const taskFileInput = inputs.reportTaskFile;
  const taskFile =
    taskFileInput === ''
      ? join(baseDir, '.scannerwork', 'report-task.txt')
      : isAbsolute(taskFileInput)
        ? taskFileInput
        : join(root, taskFileInput);
  let taskText: string;
  try {
    taskText = readFileSync(taskFile, 'utf8');
  } catch {
    throw new Error(
      `${taskFile} not found: run the scanner for ${service.name} first (its base directory is ${service.path})`,
    );
  }
  const task = parseReportTask(taskText, taskFile);
  if (task.projectKey !== service.sonarProjectKey) {
    throw new Error(
      `${taskFile} is for project ${task.projectKey}, but ${service.name} is ${service.sonarProjectKey} in ${config.source}`,
    );
  }
  const client = new SonarClient({
    baseUrl: hostOverride || task.serverUrl,
    token,
    scheme: inputs.authScheme,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  io.output('task-id', task.ceTaskId);
  io.output('dashboard-url', task.dashboardUrl ?? '');

  const done = await waitForTask(client, task.ceTaskId, {
    timeoutMs: inputs.timeout * 1000,
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    now: deps.now ?? Date.now,
    log: (m) => io.info(m),
  });
  io.output('analysis-id', done.analysisId!);
  const status = await client.get<ProjectStatus>('api/qualitygates/project_status', {
    analysisId: done.analysisId!,
  });
  const decision = decide(status, {
    warnPolicy: inputs.warnPolicy,
    allowNoGate: inputs.allowNoGate,
  });
  io.output('quality-gate-status', decision.status);

  const summary = new Summary()
    .heading(`SonarQube ${service.name}: ${decision.status}`, 3)
    .paragraph(
      task.dashboardUrl !== undefined
        ? link(`Dashboard of ${task.projectKey}`, task.dashboardUrl)
        : task.projectKey,
    );
  if (decision.conditions.length > 0) {
    summary.table(
      ['Condition', 'Actual', 'Threshold', 'Status'],
      decision.conditions.map((c) => [
        c.metricKey,
        c.actualValue ?? '',
        c.errorThreshold !== undefined ? `${c.comparator ?? ''} ${c.errorThreshold}`.trim() : '',
        c.status,
      ]),
    );
  }
  await summary.write(io);
  for (const c of decision.conditions.filter((c) => c.status !== 'OK'))
    io.info(`condition ${c.status}: ${describeCondition(c)}`);
  if (!decision.passed) throw new Error(`${service.name}: ${decision.message}`);
  if (decision.status === 'WARN' || decision.status === 'NONE')
    io.warning(`${service.name}: ${decision.message}`);
  else io.info(`${service.name}: ${decision.message}`);
}
