import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// Upstream Trivy goldens copied into the repository (see the folder's SOURCES.md).
export const reportsDir = fileURLToPath(new URL('./fixtures/trivy-reports/', import.meta.url));
export const jsonGoldens = readdirSync(reportsDir)
  .filter((f) => f.endsWith('.json.golden'))
  .sort();
export const readGolden = (name: string): string => readFileSync(join(reportsDir, name), 'utf8');

// The SARIF 2.1.0 JSON schema (OASIS), as shipped in @microsoft/jest-sarif (MIT).
const require = createRequire(import.meta.url);
const schemaPath = join(
  require.resolve('@microsoft/jest-sarif/package.json'),
  '..',
  'lib',
  'schemas',
  'sarif-2.1.0-rtm.5.json',
);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>; // draft-04
const Ajv04 = Ajv04Module as unknown as typeof Ajv04Module.default;
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
(addFormatsModule as unknown as (a: unknown) => void)(ajv);
const validateSarif = ajv.compile(schema);

/** Validates against the SARIF 2.1.0 schema; returns the errors as text ('' when valid). */
export function sarifErrors(doc: unknown): string {
  return validateSarif(doc) ? '' : ajv.errorsText(validateSarif.errors, { separator: '\n' });
}

const ORDER = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export interface IndependentFinding {
  id: string;
  severity: string;
  fixed: boolean;
}

/**
 * A second, deliberately different reading of a Trivy report for the tests: walk every object in the
 * JSON and recognise findings by their shape, instead of going Results -> arrays as the action does.
 */
export function walkFindings(json: unknown): IndependentFinding[] {
  const found: IndependentFinding[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o['VulnerabilityID'] === 'string') {
      found.push({
        id: o['VulnerabilityID'] as string,
        severity: String(o['Severity']),
        fixed: Boolean(o['FixedVersion']),
      });
      return;
    }
    if (typeof o['RuleID'] === 'string' && typeof o['Category'] === 'string') {
      found.push({ id: o['RuleID'] as string, severity: String(o['Severity']), fixed: true });
      return;
    }
    if (typeof o['ID'] === 'string' && o['Status'] === 'FAIL' && typeof o['Severity'] === 'string') {
      found.push({ id: o['ID'] as string, severity: o['Severity'] as string, fixed: true });
      return;
    }
    Object.values(o).forEach(visit);
  };
  visit(json);
  return found;
}

export const atOrAbove = (severity: string, threshold: string): boolean =>
  ORDER.indexOf(severity) >= ORDER.indexOf(threshold);
