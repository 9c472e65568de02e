import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/poll.js';
import { parseReportTask } from '../src/report-task.js';
import { scannerArgs } from '../src/scanner.js';

describe('pieces', () => {
  it('backs off 2, 4, 8, 16 then 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a))).toEqual([
      2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('reads report-task.txt as the scanner writes it, with escaped colons', () => {
    const task = parseReportTask(
      'projectKey=org.sonarsource.sonarqube:sonarqube\nserverUrl=https\\://publicserver/sonarqube\nserverVersion=6.4\ndashboardUrl=https://publicserver/sonarqube/dashboard?id=org.sonarsource.sonarqube%3Asonarqube&branch=branch-6.7\nceTaskId=TASK-123\nceTaskUrl=https://publicserver/sonarqube/api/ce/task?id=TASK-123\n',
    );
    expect(task).toEqual({
      projectKey: 'org.sonarsource.sonarqube:sonarqube',
      serverUrl: 'https://publicserver/sonarqube',
      ceTaskId: 'TASK-123',
      ceTaskUrl: 'https://publicserver/sonarqube/api/ce/task?id=TASK-123',
      dashboardUrl:
        'https://publicserver/sonarqube/dashboard?id=org.sonarsource.sonarqube%3Asonarqube&branch=branch-6.7',
    });
    expect(() => parseReportTask('projectKey=x\n', 'r.txt')).toThrow(/r.txt lacks serverUrl, ceTaskId/);
  });

  it('runs the pinned @sonar/scan for one service without the token on the command line', () => {
    expect(
      scannerArgs({
        projectKey: 'craftista-voting',
        baseDir: '/w/apps/voting',
        hostUrl: 'https://sonar.example',
        extra: ['-Dsonar.sources=src'],
      }),
    ).toEqual([
      '--yes',
      '@sonar/scan@5.0.1',
      '-Dsonar.projectKey=craftista-voting',
      '-Dsonar.projectBaseDir=/w/apps/voting',
      '-Dsonar.host.url=https://sonar.example',
      '-Dsonar.sources=src',
    ]);
  });
});
