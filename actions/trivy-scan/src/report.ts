// Trivy's JSON report (SchemaVersion 2) flattened into one list of findings. Every array in the report is
// optional (omitempty in Trivy's Go structs), so a missing key means "none".
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type FindingKind = 'vulnerability' | 'misconfiguration' | 'secret';

export interface Finding {
  kind: FindingKind;
  /** CVE/GHSA id, misconfiguration id (DS-0002) or secret rule id. */
  id: string;
  /** Other ids that .trivyignore may use (a misconfiguration's AVD id and legacy id). */
  aliases: string[];
  severity: Severity;
  /** The file or image layer group the finding is in (Trivy's Result.Target). */
  target: string;
  title: string;
  pkg?: string;
  /** Where a language package was found (a lockfile, gemspec, jar…); Trivy's SARIF writer points there. */
  pkgPath?: string;
  /** The package's lines in that file, when Trivy recorded them (Result.Packages[].Locations). */
  pkgLines?: Array<{ startLine: number; endLine: number }>;
  installed?: string;
  /** Absent when no fix exists; --ignore-unfixed keys on this, as Trivy does. */
  fixed?: string;
  status?: string;
  startLine?: number;
  endLine?: number;
  url?: string;
}

interface RawVuln {
  VulnerabilityID: string;
  PkgName?: string;
  PkgPath?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Status?: string;
  Severity?: string;
  Title?: string;
  PrimaryURL?: string;
}
interface RawMisconf {
  ID: string;
  AVDID?: string;
  Namespace?: string;
  Title?: string;
  Message?: string;
  Severity?: string;
  Status?: string;
  PrimaryURL?: string;
  CauseMetadata?: { StartLine?: number; EndLine?: number };
}
interface RawSecret {
  RuleID: string;
  Title?: string;
  Severity?: string;
  StartLine?: number;
  EndLine?: number;
}
interface RawPackage {
  Name?: string;
  Version?: string;
  Locations?: Array<{ StartLine?: number; EndLine?: number }> | null;
}
interface RawModified {
  Type?: string;
  Status?: string;
  Finding?: { Status?: string };
}
interface RawResult {
  Target?: string;
  Packages?: RawPackage[] | null;
  ExperimentalModifiedFindings?: RawModified[] | null;
  Vulnerabilities?: RawVuln[] | null;
  Misconfigurations?: RawMisconf[] | null;
  Secrets?: RawSecret[] | null;
}
export interface TrivyReport {
  SchemaVersion?: number;
  ArtifactName?: string;
  ArtifactType?: string;
  Trivy?: { Version?: string };
  Results?: RawResult[] | null;
}

export function toSeverity(value: string | undefined): Severity {
  const upper = (value ?? '').toUpperCase();
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNKNOWN';
}

export function parseReport(text: string, source = 'report'): TrivyReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`${source} is not a Trivy JSON report`);
  const report = data as TrivyReport;
  if (report.SchemaVersion !== undefined && report.SchemaVersion !== 2) {
    throw new Error(`${source} has SchemaVersion ${report.SchemaVersion}; this action reads version 2`);
  }
  return report;
}

/**
 * The ids Trivy 0.74 also matches a misconfiguration's .trivyignore entry against. Trivy takes them from the
 * check's metadata (`aliases`), which the JSON report does not carry; the checks name them after the id: the AVD
 * id `AVD-<ID>` (every check) and the legacy id, which is the check's package name (`builtin.kubernetes.KSV117`
 * for KSV-0117). A report from before 0.74 may still carry `AVDID`. A check's short name (`no-root`) cannot be
 * derived; in scan mode Trivy itself applies the file, so it works there.
 */
export function misconfigurationAliases(m: { ID: string; AVDID?: string; Namespace?: string }): string[] {
  const aliases = new Set<string>();
  if (m.AVDID !== undefined && m.AVDID !== '') aliases.add(m.AVDID);
  const id = /^([A-Z]+)-(\d+)$/.exec(m.ID);
  if (id !== null) {
    aliases.add(`AVD-${m.ID}`);
    const legacy = /^([A-Z]+)(\d+)$/.exec(m.Namespace?.split('.').at(-1) ?? '');
    if (legacy !== null && legacy[1] === id[1] && Number(legacy[2]) === Number(id[2])) aliases.add(legacy[0]);
  }
  aliases.delete(m.ID);
  return [...aliases];
}

/** How many findings Trivy already hid by an ignore file (a report written with `--show-suppressed`). */
export function suppressedByIgnoreFile(report: TrivyReport): number {
  let n = 0;
  for (const result of report.Results ?? [])
    for (const m of result.ExperimentalModifiedFindings ?? []) {
      if (m.Status !== 'ignored') continue;
      // Trivy also records ignored misconfigurations that passed; only failures would have been findings.
      if (
        m.Type === 'misconfiguration'
          ? m.Finding?.Status === 'FAIL'
          : m.Type === 'vulnerability' || m.Type === 'secret'
      )
        n++;
    }
  return n;
}

/** Every finding in the report. Misconfigurations count only when they FAIL (PASS and EXCEPTION do not). */
export function findingsOf(report: TrivyReport): Finding[] {
  const out: Finding[] = [];
  for (const result of report.Results ?? []) {
    const target = result.Target ?? report.ArtifactName ?? '';
    for (const v of result.Vulnerabilities ?? []) {
      const f: Finding = {
        kind: 'vulnerability',
        id: v.VulnerabilityID,
        aliases: [],
        severity: toSeverity(v.Severity),
        target,
        title: v.Title ?? v.VulnerabilityID,
      };
      if (v.PkgName !== undefined) f.pkg = v.PkgName;
      if (v.PkgPath !== undefined && v.PkgPath !== '') f.pkgPath = v.PkgPath;
      const lines = (result.Packages ?? [])
        .find((p) => p.Name === v.PkgName && p.Version === v.InstalledVersion)
        ?.Locations?.map((l) => ({ startLine: l.StartLine ?? 0, endLine: l.EndLine ?? 0 }));
      if (lines !== undefined && lines.length > 0) f.pkgLines = lines;
      if (v.InstalledVersion !== undefined) f.installed = v.InstalledVersion;
      if (v.FixedVersion !== undefined && v.FixedVersion !== '') f.fixed = v.FixedVersion;
      if (v.Status !== undefined) f.status = v.Status;
      if (v.PrimaryURL !== undefined) f.url = v.PrimaryURL;
      out.push(f);
    }
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status !== undefined && m.Status !== 'FAIL') continue;
      const f: Finding = {
        kind: 'misconfiguration',
        id: m.ID,
        aliases: misconfigurationAliases(m),
        severity: toSeverity(m.Severity),
        target,
        title: m.Message ?? m.Title ?? m.ID,
      };
      if (m.CauseMetadata?.StartLine !== undefined && m.CauseMetadata.StartLine > 0)
        f.startLine = m.CauseMetadata.StartLine;
      if (m.CauseMetadata?.EndLine !== undefined && m.CauseMetadata.EndLine > 0)
        f.endLine = m.CauseMetadata.EndLine;
      if (m.PrimaryURL !== undefined) f.url = m.PrimaryURL;
      out.push(f);
    }
    for (const s of result.Secrets ?? []) {
      const f: Finding = {
        kind: 'secret',
        id: s.RuleID,
        aliases: [],
        severity: toSeverity(s.Severity),
        target,
        title: s.Title ?? s.RuleID,
      };
      if (s.StartLine !== undefined) f.startLine = s.StartLine;
      if (s.EndLine !== undefined) f.endLine = s.EndLine;
      out.push(f);
    }
  }
  return out;
}
