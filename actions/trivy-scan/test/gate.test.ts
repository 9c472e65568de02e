import { describe, expect, it } from 'vitest';
import { evaluate, parseSeverity, parseTrivyIgnore, type GateOptions } from '../src/gate.js';
import { findingsOf, parseReport, SEVERITIES, type Severity } from '../src/report.js';
import { toSarif } from '../src/sarif.js';
import { atOrAbove, jsonGoldens, readGolden, sarifErrors, walkFindings } from './helpers.js';

const now = new Date('2026-11-28T00:00:00Z');
const options = (threshold: Severity, extra: Partial<GateOptions> = {}): GateOptions => ({
  threshold,
  ignoreUnfixed: false,
  unknownAs: 'UNKNOWN',
  ignore: [],
  now,
  ...extra,
});
const gateOf = (file: string, opts: GateOptions) =>
  evaluate(findingsOf(parseReport(readGolden(file), file)), opts);

// Hand-counted from the reports (see SOURCES.md): gating findings per threshold
// CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN.
const EXPECTED: Record<string, [number, number, number, number, number]> = {
  'alpine-39.json.golden': [2, 2, 6, 6, 6], // CRITICAL x2, MEDIUM x4, all fixed
  'debian-buster.json.golden': [1, 1, 1, 2, 2], // CRITICAL fixed, LOW unfixed (affected)
  'dockerfile.json.golden': [0, 1, 1, 1, 1], // DS-0002 HIGH FAIL
  'fluentd-gems.json.golden': [1, 2, 2, 2, 2], // CRITICAL (debian), HIGH (Ruby gem with PkgPath)
  'gomod.json.golden': [0, 0, 1, 1, 5], // UNKNOWN x4, MEDIUM
  'helm_testchart.json.golden': [0, 1, 4, 6, 6], // HIGH, MEDIUM x3, LOW x2; two Results with only MisconfSummary
  'npm.json.golden': [0, 0, 1, 1, 1],
  'secrets.json.golden': [1, 2, 2, 2, 2], // CRITICAL aws-access-key-id, HIGH custom rule
};
const THRESHOLDS: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

it('covers every JSON report in test/fixtures/trivy-reports', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(jsonGoldens);
});

describe.each(jsonGoldens)('%s', (file) => {
  const independent = walkFindings(JSON.parse(readGolden(file)));

  it.each(THRESHOLDS.map((t, i) => [t, i] as const))(
    'at %s gates exactly the expected findings',
    (threshold, i) => {
      const result = gateOf(file, options(threshold));
      expect(result.gating).toHaveLength(EXPECTED[file]![i]!);
      expect(result.gating).toHaveLength(independent.filter((f) => atOrAbove(f.severity, threshold)).length);
      expect(result.failed).toBe(EXPECTED[file]![i]! > 0);
      // counts by severity agree with the independent walk
      for (const s of SEVERITIES)
        expect(result.counts[s]).toBe(independent.filter((f) => f.severity === s).length);
    },
  );

  it.each(THRESHOLDS)('at %s writes schema-valid SARIF with nothing below the threshold', (threshold) => {
    const result = gateOf(file, options(threshold));
    const sarif = toSarif(result.gating, { toolVersion: '0.74.0', unknownAs: 'UNKNOWN' });
    expect(sarifErrors(sarif)).toBe('');
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(result.gating.length);
    const allowed = new Set(independent.filter((f) => atOrAbove(f.severity, threshold)).map((f) => f.id));
    const below = new Set(independent.filter((f) => !atOrAbove(f.severity, threshold)).map((f) => f.id));
    for (const r of results) {
      expect(allowed.has(r.ruleId), `${r.ruleId} is below ${threshold}`).toBe(true);
      expect(below.has(r.ruleId) && !allowed.has(r.ruleId)).toBe(false);
    }
  });
});

describe('gate options', () => {
  it('ignore-unfixed drops only vulnerabilities without a fixed version', () => {
    const result = gateOf('debian-buster.json.golden', options('LOW', { ignoreUnfixed: true }));
    expect(result.gating).toHaveLength(1);
    expect(result.gating[0]!.severity).toBe('CRITICAL');
    expect(result.ignoredUnfixed).toBe(1);
    // misconfigurations and secrets have no fixed version and are never dropped by it
    expect(gateOf('secrets.json.golden', options('HIGH', { ignoreUnfixed: true })).gating).toHaveLength(2);
  });

  it('UNKNOWN severity gates only as what unknown-severity maps it to', () => {
    expect(gateOf('gomod.json.golden', options('HIGH')).gating).toHaveLength(0);
    expect(gateOf('gomod.json.golden', options('HIGH')).unknownBelowThreshold).toBe(4);
    expect(gateOf('gomod.json.golden', options('HIGH', { unknownAs: 'HIGH' })).gating).toHaveLength(4);
    expect(gateOf('gomod.json.golden', options('MEDIUM', { unknownAs: 'HIGH' })).gating).toHaveLength(5);
    expect(gateOf('gomod.json.golden', options('CRITICAL', { unknownAs: 'HIGH' })).gating).toHaveLength(0);
  });

  it('.trivyignore removes vulnerabilities, misconfigurations and secrets by id until the rule expires', () => {
    const alpine = findingsOf(parseReport(readGolden('alpine-39.json.golden')));
    const ignore = parseTrivyIgnore(
      '# accepted risk: musl in the base image\nCVE-2019-14697 exp:2026-12-31\nCVE-2019-1549   exp:2026-11-27 # expired yesterday\nDS-0002\naws-access-key-id\n',
    );
    expect(ignore.map((r) => r.id)).toEqual([
      'CVE-2019-14697',
      'CVE-2019-1549',
      'DS-0002',
      'aws-access-key-id',
    ]);
    const result = evaluate(alpine, options('MEDIUM', { ignore }));
    // both packages with CVE-2019-14697 (musl, musl-utils) are ignored; the expired rule no longer applies
    expect(result.ignoredByFile).toBe(2);
    expect(result.gating.map((f) => `${f.id} ${f.pkg}`).sort()).toEqual([
      'CVE-2019-1549 libcrypto1.1',
      'CVE-2019-1549 libssl1.1',
      'CVE-2019-1551 libcrypto1.1',
      'CVE-2019-1551 libssl1.1',
    ]);
    expect(evaluate(alpine, options('CRITICAL', { ignore })).failed).toBe(false);
    expect(
      evaluate(alpine, options('CRITICAL', { ignore, now: new Date('2027-01-01T00:00:00Z') })).gating,
    ).toHaveLength(2);
    expect(gateOf('dockerfile.json.golden', options('LOW', { ignore })).gating).toHaveLength(0);
    expect(gateOf('secrets.json.golden', options('LOW', { ignore })).gating.map((f) => f.severity)).toEqual([
      'HIGH',
    ]);
  });

  it('reads .trivyignore as Trivy does: exp: ends the rule at midnight UTC, wherever the field is on the line', () => {
    const warnings: string[] = [];
    const rules = parseTrivyIgnore(
      [
        'CVE-A exp:2026-11-28',
        '  # a comment line',
        'CVE-B # reviewed, exp:2026-11-27',
        'CVE-C exp:2026-02-30',
        'CVE-E exp:2026-11-29',
      ].join('\n'),
      (m) => warnings.push(m),
    );
    // CVE-C's date does not exist: Trivy skips that line with a warning
    expect(rules.map((r) => [r.id, r.expires?.toISOString()])).toEqual([
      ['CVE-A', '2026-11-28T00:00:00.000Z'],
      ['CVE-B', '2026-11-27T00:00:00.000Z'],
      ['CVE-E', '2026-11-29T00:00:00.000Z'],
    ]);
    expect(warnings).toEqual([
      '.trivyignore line 4: "exp:2026-02-30" is not a date (exp:YYYY-MM-DD); Trivy skips the line, so does this step',
    ]);
    const ids = (iso: string) =>
      evaluate(
        ['CVE-A', 'CVE-B', 'CVE-E'].map((id) => ({
          kind: 'vulnerability' as const,
          id,
          aliases: [],
          severity: 'HIGH' as const,
          target: 't',
          title: id,
          fixed: '1',
        })),
        options('LOW', { ignore: rules, now: new Date(iso) }),
      ).findings.map((f) => f.id);
    // CVE-B expired the day before; at midnight CVE-A still holds (Trivy: expired when exp is before now), a millisecond later not
    expect(ids('2026-11-28T00:00:00.000Z')).toEqual(['CVE-B']);
    expect(ids('2026-11-28T00:00:00.001Z')).toEqual(['CVE-A', 'CVE-B']);
  });

  it('warns about a field Trivy does not read instead of refusing the file', () => {
    const warnings: string[] = [];
    expect(parseTrivyIgnore('CVE-D until:2020 # reviewed by ops', (m) => warnings.push(m))).toEqual([
      { id: 'CVE-D', line: 1 },
    ]);
    expect(warnings).toEqual([
      '.trivyignore line 1: "until:2020" is not read (Trivy reads only exp:YYYY-MM-DD)',
    ]);
  });

  it('matches a misconfiguration by its id, its AVD id or its legacy id (the check package name)', () => {
    const [misconf] = findingsOf(
      parseReport(
        JSON.stringify({
          Results: [
            {
              Target: 'deploy.yaml',
              Misconfigurations: [
                {
                  ID: 'KSV-0117',
                  Namespace: 'builtin.kubernetes.KSV117',
                  Severity: 'MEDIUM',
                  Status: 'FAIL',
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(misconf!.aliases.sort()).toEqual(['AVD-KSV-0117', 'KSV117']);
    for (const id of ['KSV-0117', 'AVD-KSV-0117', 'KSV117'])
      expect(evaluate([misconf!], options('LOW', { ignore: parseTrivyIgnore(id) })).ignoredByFile).toBe(1);
    expect(evaluate([misconf!], options('LOW', { ignore: parseTrivyIgnore('KSV-117') })).ignoredByFile).toBe(
      0,
    );
  });

  it('sorts the most severe first, fixable before unfixable, and rejects bad severities', () => {
    const result = gateOf('debian-buster.json.golden', options('LOW'));
    expect(result.gating.map((f) => [f.severity, f.fixed !== undefined])).toEqual([
      ['CRITICAL', true],
      ['LOW', false],
    ]);
    expect(() => parseSeverity('severity', 'SEVERE', 'HIGH')).toThrow(
      /must be one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL/,
    );
    expect(parseSeverity('severity', 'critical', 'HIGH')).toBe('CRITICAL');
  });

  it('treats missing arrays and a missing Results key as no findings, and refuses other schema versions', () => {
    expect(findingsOf(parseReport('{"SchemaVersion":2,"ArtifactName":"clean"}'))).toEqual([]);
    expect(() => parseReport('{"SchemaVersion":1}', 'old.json')).toThrow(/old.json has SchemaVersion 1/);
    expect(() => parseReport('[]')).toThrow(/not a Trivy JSON report/);
  });
});

describe('SARIF schema check', () => {
  it('accepts Trivy’s own SARIF output and rejects a broken document (the check is not vacuous)', () => {
    expect(sarifErrors(JSON.parse(readGolden('alpine-310.sarif.golden')))).toBe('');
    expect(sarifErrors({ version: '2.1.0', runs: [{ tool: {} }] })).not.toBe('');
  });
});
