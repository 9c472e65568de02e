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
  /** Findings the scanner already hid by the ignore file (Trivy's `--show-suppressed` record); counted, not re-applied. */
  suppressed?: number;
}

export interface IgnoreRule {
  id: string;
  /** Midnight UTC of `exp:YYYY-MM-DD`: from that instant on the rule no longer applies, as in Trivy. */
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

/** `YYYY-MM-DD` as midnight UTC, or undefined unless it is a real calendar date (Go's time.Parse("2006-01-02")). */
function parseDay(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.toISOString().startsWith(text) ? day : undefined;
}

/**
 * Parses a plain .trivyignore exactly as Trivy 0.74 does (pkg/result/ignore.go): a line whose trimmed text starts
 * with `#` is a comment; otherwise the first field is the id and the first field starting with `exp:` (anywhere on
 * the line, even after a `#`) is the expiry. A line with an unreadable date is skipped, as Trivy skips it; other
 * fields are not read by Trivy, so a `key:value` one is reported through `warn` (with its line) rather than refused.
 */
export function parseTrivyIgnore(
  text: string,
  warn: (message: string, line: number) => void = () => {},
): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [id, ...rest] = line.split(/\s+/);
    const rule: IgnoreRule = { id: id!, line: index + 1 };
    const exp = rest.find((field) => field.startsWith('exp:'));
    if (exp !== undefined) {
      const day = parseDay(exp.slice('exp:'.length));
      if (day === undefined) {
        warn(
          `.trivyignore line ${index + 1}: "${exp}" is not a date (exp:YYYY-MM-DD); Trivy skips the line, so does this step`,
          index + 1,
        );
        return;
      }
      rule.expires = day;
    }
    const comment = rest.findIndex((field) => field.startsWith('#'));
    for (const field of comment < 0 ? rest : rest.slice(0, comment))
      if (/^[A-Za-z_]+:/.test(field) && !field.startsWith('exp:'))
        warn(
          `.trivyignore line ${index + 1}: "${field}" is not read (Trivy reads only exp:YYYY-MM-DD)`,
          index + 1,
        );
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
  let ignoredByFile = opts.suppressed ?? 0;
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
