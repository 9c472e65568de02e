// trivy-scan's inputs, declared once; test/inputs.test.ts checks action.yml against this.
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { input, readInputs, type InputValues } from '@craftista/actions-shared/inputs';
import { parseSeverity } from './gate.js';
import type { Severity } from './report.js';
import { PINNED_TRIVY_VERSION, parseScanType, type ScanType } from './trivy.js';

export const inputs = {
  scanType: input.string({ default: 'image' }),
  target: input.string(),
  severity: input.string({ default: 'HIGH' }),
  ignoreUnfixed: input.boolean(false),
  unknownSeverity: input.string({ default: 'UNKNOWN' }),
  trivyignore: input.string(),
  scanners: input.string(),
  report: input.string(),
  reportFile: input.string({ default: 'trivy-report.json' }),
  sarifFile: input.string({ default: 'trivy-results.sarif' }),
  sarifLocation: input.string(),
  fail: input.boolean(true),
  trivyPath: input.string(),
  trivyVersion: input.string({ default: PINNED_TRIVY_VERSION }),
  cacheDir: input.string(),
  skipDbUpdate: input.boolean(false),
  dbRepository: input.string(),
  dbMirror: input.string(),
  dbRetries: input.positiveInteger(3),
};

export interface Inputs extends Omit<
  InputValues<typeof inputs>,
  'scanType' | 'severity' | 'unknownSeverity'
> {
  scanType: ScanType;
  severity: Severity;
  unknownSeverity: Severity;
}

export function getInputs(io: ActionIO): Inputs {
  const raw = readInputs(io, inputs);
  return {
    ...raw,
    scanType: parseScanType(raw.scanType),
    severity: parseSeverity('severity', raw.severity, 'HIGH'),
    unknownSeverity: parseSeverity('unknown-severity', raw.unknownSeverity, 'UNKNOWN'),
  };
}
