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
  'gomod.json.golden': [0, 0, 1, 1, 5], // UNKNOWN x4, MEDIUM
  'helm_testchart.json.golden': [0, 1, 4, 6, 6], // HIGH, MEDIUM x3, LOW x2; two Results with only MisconfSummary
  'npm.json.golden': [0, 0, 1, 1, 1],
  'secrets.json.golden': [1, 2, 2, 2, 2], // CRITICAL aws-access-key-id, HIGH custom rule
};
const THRESHOLDS: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

it('covers every JSON report in shared/trivy-reports', () => {
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
    expect(() => parseTrivyIgnore('CVE-1 until:2020')).toThrow(/line 1: unknown attribute "until:2020"/);
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
