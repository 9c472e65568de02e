// The gate: one threshold decides the exit code, the SARIF results and the summary's "gating" count.
import { SEVERITIES, type Finding, type Severity } from './report.js';

export interface GateOptions {
  /** Findings at or above this severity fail the gate. */
  threshold: Severity;
  /** Drop vulnerabilities that have no fixed version. */
  ignoreUnfixed: boolean;
  /** What an UNKNOWN-severity finding counts as for gating; UNKNOWN keeps it lowest (gates only at threshold UNKNOWN). */
  unknownAs: Severity;
  ignore: IgnoreRule[];
  now: Date;
}

export interface IgnoreRule {
  id: string;
  /** The rule stops applying after this day (inclusive), as in Trivy's `exp:YYYY-MM-DD`. */
  expires?: Date;
  line: number;
}

export interface GateResult {
  /** Findings left after .trivyignore and ignore-unfixed, most severe first. */
  findings: Finding[];
  /** The subset at or above the threshold; these fail the step and go into SARIF. */
  gating: Finding[];
  /** All remaining findings by their own severity. */
  counts: Record<Severity, number>;
  ignoredByFile: number;
  ignoredUnfixed: number;
  /** UNKNOWN findings below the threshold, reported but not gating. */
  unknownBelowThreshold: number;
  failed: boolean;
}

export const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function parseSeverity(name: string, value: string, fallback: Severity): Severity {
  const v = value.trim().toUpperCase();
  if (v === '') return fallback;
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new Error(`input "${name}" must be one of ${SEVERITIES.join(', ')}, got "${value}"`);
}

/** Parses a plain .trivyignore: one id per line, `#` comments, optional `exp:YYYY-MM-DD`. */
export function parseTrivyIgnore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const [id, ...rest] = line.split(/\s+/);
    const rule: IgnoreRule = { id: id!, line: index + 1 };
    for (const attr of rest) {
      const m = /^exp:(\d{4}-\d{2}-\d{2})$/.exec(attr);
      if (m === null)
        throw new Error(
          `.trivyignore line ${index + 1}: unknown attribute "${attr}" (expected exp:YYYY-MM-DD)`,
        );
      rule.expires = new Date(`${m[1]}T23:59:59.999Z`);
    }
    rules.push(rule);
  });
  return rules;
}

export function effectiveSeverity(f: Finding, unknownAs: Severity): Severity {
  return f.severity === 'UNKNOWN' ? unknownAs : f.severity;
}

export function evaluate(all: Finding[], opts: GateOptions): GateResult {
  const active = new Set(
    opts.ignore.filter((r) => r.expires === undefined || r.expires >= opts.now).map((r) => r.id),
  );
  let ignoredByFile = 0;
  let ignoredUnfixed = 0;
  const findings: Finding[] = [];
  for (const f of all) {
    if (active.has(f.id) || f.aliases.some((a) => active.has(a))) {
      ignoredByFile++;
      continue;
    }
    if (opts.ignoreUnfixed && f.kind === 'vulnerability' && f.fixed === undefined) {
      ignoredUnfixed++;
      continue;
    }
    findings.push(f);
  }
  findings.sort(
    (a, b) =>
      rank(effectiveSeverity(b, opts.unknownAs)) - rank(effectiveSeverity(a, opts.unknownAs)) ||
      Number(b.fixed !== undefined) - Number(a.fixed !== undefined) ||
      a.id.localeCompare(b.id),
  );
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  const gating = findings.filter((f) => rank(effectiveSeverity(f, opts.unknownAs)) >= rank(opts.threshold));
  const unknownBelowThreshold = findings.filter(
    (f) => f.severity === 'UNKNOWN' && !gating.includes(f),
  ).length;
  return {
    findings,
    gating,
    counts,
    ignoredByFile,
    ignoredUnfixed,
    unknownBelowThreshold,
    failed: gating.length > 0,
  };
}
