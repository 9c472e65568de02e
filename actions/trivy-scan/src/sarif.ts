// SARIF 2.1.0 for GitHub code scanning, written from the gating findings only: the threshold that fails the
// step is the one that decides what code scanning shows (trivy-action's most repeated complaint).
import { effectiveSeverity } from './gate.js';
import type { Finding, Severity } from './report.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note',
};

// GitHub ranks code-scanning alerts by properties["security-severity"] (a CVSS-like score as a string).
const SCORE: Record<Severity, string> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '2.0',
  UNKNOWN: '0.0',
};

export interface SarifOptions {
  toolVersion: string;
  unknownAs: Severity;
  /** Repository file to attribute findings to when the Trivy target is not a file (image scans). */
  location?: string;
}

export interface SarifLog {
  version: '2.1.0';
  $schema: string;
  runs: Array<{
    tool: { driver: { name: string; informationUri: string; version: string; rules: unknown[] } };
    results: Array<{ ruleId: string; level: string; [key: string]: unknown }>;
    columnKind: string;
  }>;
}

function uriOf(f: Finding, location: string | undefined): string {
  if (location !== undefined && location !== '' && f.kind === 'vulnerability') return location;
  // A language package's own file (lockfile, gemspec, jar), as Trivy's SARIF writer does; the result's target
  // is only a language name ("Ruby", "Python") for packages found inside an image.
  if (f.pkgPath !== undefined) return encodeURI(f.pkgPath.replaceAll('\\', '/'));
  // Image results are named "<image> (<os> <version>)"; keep the part that names a thing.
  const target = f.target.replace(/\s+\(.*\)$/, '').trim();
  return encodeURI(target === '' ? (location ?? '.') : target);
}

/** The lines a finding is reported at: the package's lines in its file when Trivy recorded them, else its own. */
function regionsOf(f: Finding, uriIsPackageFile: boolean): Array<Record<string, number>> {
  if (uriIsPackageFile && f.pkgLines !== undefined)
    return f.pkgLines.map((l) => ({
      startLine: Math.max(l.startLine, 1),
      endLine: Math.max(l.endLine, l.startLine, 1),
    }));
  const region: Record<string, number> = { startLine: f.startLine ?? 1 };
  if (f.endLine !== undefined) region['endLine'] = Math.max(f.endLine, region['startLine']!);
  return [region];
}

function messageOf(f: Finding): string {
  if (f.kind === 'vulnerability') {
    const fix = f.fixed !== undefined ? `fixed in ${f.fixed}` : 'no fixed version';
    return `${f.pkg ?? '?'} ${f.installed ?? ''} is affected by ${f.id} (${f.severity}, ${fix}): ${f.title}`;
  }
  if (f.kind === 'secret') return `Secret (${f.title}) found in ${f.target} (${f.severity})`;
  return `${f.id} (${f.severity}): ${f.title}`;
}

export function toSarif(gating: Finding[], opts: SarifOptions): SarifLog {
  const rules: Array<Record<string, unknown>> = [];
  const index = new Map<string, number>();
  const results = gating.map((f) => {
    const severity = effectiveSeverity(f, opts.unknownAs);
    let ruleIndex = index.get(f.id);
    if (ruleIndex === undefined) {
      ruleIndex = rules.length;
      index.set(f.id, ruleIndex);
      rules.push({
        id: f.id,
        name: f.kind,
        shortDescription: { text: f.title },
        fullDescription: { text: f.title },
        defaultConfiguration: { level: LEVEL[severity] },
        ...(f.url !== undefined ? { helpUri: f.url } : {}),
        help: { text: `${f.kind} ${f.id}: ${f.title}` },
        properties: {
          tags: ['security', f.kind, f.severity],
          precision: 'very-high',
          'security-severity': SCORE[severity],
        },
      });
    }
    const uri = uriOf(f, opts.location);
    const inPackageFile =
      f.kind === 'vulnerability' && !(opts.location !== undefined && opts.location !== '');
    return {
      ruleId: f.id,
      ruleIndex,
      level: LEVEL[severity],
      message: { text: messageOf(f) },
      locations: regionsOf(f, inPackageFile).map((region) => ({
        physicalLocation: { artifactLocation: { uri }, region },
      })),
    };
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: { name: 'Trivy', informationUri: 'https://trivy.dev/', version: opts.toolVersion, rules },
        },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}
