// Reads api/qualitygates/project_status and decides pass or fail.
export type GateStatus = 'OK' | 'WARN' | 'ERROR' | 'NONE';

export interface Condition {
  status: string;
  metricKey: string;
  comparator?: string;
  errorThreshold?: string;
  warningThreshold?: string;
  actualValue?: string;
}

export interface ProjectStatus {
  projectStatus: { status: GateStatus; conditions?: Condition[]; ignoredConditions?: boolean };
}

export type WarnPolicy = 'fail' | 'pass';

export function parseWarnPolicy(value: string): WarnPolicy {
  const v = value.trim();
  if (v === 'fail' || v === 'pass') return v;
  throw new Error(`input "warn-policy" must be fail or pass, got "${value}"`);
}

export interface GateDecision {
  status: GateStatus;
  passed: boolean;
  message: string;
  conditions: Condition[];
}

const COMPARATOR: Record<string, string> = { GT: '>', LT: '<', EQ: '=', NE: '≠' };

/** "new_coverage 82.5 (fails when < 85)" */
export function describeCondition(c: Condition): string {
  const threshold = c.errorThreshold ?? c.warningThreshold;
  const rule =
    threshold !== undefined
      ? ` (fails when ${COMPARATOR[c.comparator ?? ''] ?? c.comparator ?? '?'} ${threshold})`
      : '';
  return `${c.metricKey} ${c.actualValue ?? '?'}${rule}`;
}

export function decide(
  body: ProjectStatus,
  opts: { warnPolicy: WarnPolicy; allowNoGate: boolean },
): GateDecision {
  const { status, conditions = [] } = body.projectStatus;
  const failing = conditions.filter((c) => c.status === 'ERROR' || c.status === 'WARN');
  switch (status) {
    case 'OK':
      return { status, passed: true, message: 'quality gate passed', conditions };
    case 'WARN':
      return {
        status,
        passed: opts.warnPolicy === 'pass',
        message: `quality gate WARN: ${failing.map(describeCondition).join('; ')}`,
        conditions,
      };
    case 'ERROR':
      return {
        status,
        passed: false,
        message: `quality gate failed: ${failing.map(describeCondition).join('; ')}`,
        conditions,
      };
    case 'NONE':
      return {
        status,
        passed: opts.allowNoGate,
        message: 'no quality gate is associated with this analysis (or no new-code period is set)',
        conditions,
      };
    default:
      return {
        status,
        passed: false,
        message: `unexpected quality gate status "${String(status)}"`,
        conditions,
      };
  }
}
