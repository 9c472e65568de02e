// The job-summary section of a scan: counts by severity and the top findings with their fixed versions.
import { Summary, code, type Column } from '@craftista/actions-shared/summary';
import { effectiveSeverity, rank, type GateOptions, type GateResult } from './gate.js';
import { SEVERITIES, type Severity } from './report.js';

export function scanSummary(
  title: string,
  result: GateResult,
  opts: Pick<GateOptions, 'threshold' | 'unknownAs' | 'ignoreUnfixed'>,
  top = 10,
): Summary {
  const gates = (s: Severity): boolean => rank(s === 'UNKNOWN' ? opts.unknownAs : s) >= rank(opts.threshold);
  const order = [...SEVERITIES].reverse();
  const verdict = result.failed
    ? `**Failed**: ${result.gating.length} finding(s) at or above ${opts.threshold}`
    : `**Passed**: nothing at or above ${opts.threshold}`;
  const notes = [
    `${result.ignoredByFile} ignored by .trivyignore`,
    opts.ignoreUnfixed
      ? `${result.ignoredUnfixed} unfixed vulnerabilities ignored`
      : 'unfixed vulnerabilities count',
    `UNKNOWN counts as ${opts.unknownAs}`,
  ];
  const s = new Summary()
    .heading(`Trivy: ${title}`, 3)
    .paragraph(`${verdict} (${notes.join('; ')}).`)
    .table(
      order.map((sev): Column => ({ header: `${sev}${gates(sev) ? ' ⛔' : ''}`, align: 'right' })),
      [order.map((sev) => result.counts[sev])],
    );
  const shown = result.gating.slice(0, top);
  if (shown.length > 0) {
    s.table(
      ['Severity', 'Kind', 'ID', 'Where', 'Installed', 'Fixed in'],
      shown.map((f) => [
        effectiveSeverity(f, opts.unknownAs),
        f.kind,
        code(f.id),
        code(
          `${f.target}${f.pkg !== undefined ? ` ${f.pkg}` : ''}${f.startLine !== undefined ? `:${f.startLine}` : ''}`,
        ),
        f.installed ?? '',
        f.kind === 'vulnerability' ? (f.fixed ?? 'no fix') : '',
      ]),
      { raw: true },
    );
    if (result.gating.length > top)
      s.paragraph(`… and ${result.gating.length - top} more in the SARIF file.`);
  }
  return s;
}
