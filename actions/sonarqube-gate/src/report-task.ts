// .scannerwork/report-task.txt: the Java-properties file the SonarQube scanner writes after uploading.
export interface ReportTask {
  projectKey: string;
  serverUrl: string;
  ceTaskId: string;
  ceTaskUrl?: string;
  dashboardUrl?: string;
  branch?: string;
  organization?: string;
}

export function parseReportTask(text: string, source = 'report-task.txt'): ReportTask {
  const props: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at < 0) continue;
    // Properties escape ':' and '=' in values (https\://...); undo that.
    props[line.slice(0, at).trim()] = line
      .slice(at + 1)
      .trim()
      .replace(/\\([:=\\])/g, '$1');
  }
  const missing = ['projectKey', 'serverUrl', 'ceTaskId'].filter((k) => !props[k]);
  if (missing.length > 0)
    throw new Error(`${source} lacks ${missing.join(', ')}: was the analysis uploaded?`);
  const task: ReportTask = {
    projectKey: props['projectKey']!,
    serverUrl: props['serverUrl']!,
    ceTaskId: props['ceTaskId']!,
  };
  for (const k of ['ceTaskUrl', 'dashboardUrl', 'branch', 'organization'] as const)
    if (props[k]) task[k] = props[k];
  return task;
}
