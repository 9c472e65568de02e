// sonarqube-gate's inputs, declared once; test/inputs.test.ts checks action.yml against this.
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { input, readInputs, type InputValues } from '@craftista/actions-shared/inputs';
import { parseScheme, type AuthScheme } from './client.js';
import { parseWarnPolicy, type WarnPolicy } from './gate.js';

export const inputs = {
  service: input.string({ required: true }),
  config: input.string(),
  // Not required by action.yml: SONAR_TOKEN in the environment serves too.
  token: input.string(),
  hostUrl: input.string(),
  authScheme: input.string({ default: 'bearer' }),
  runScanner: input.boolean(false),
  scannerArgs: input.lines(),
  reportTaskFile: input.string(),
  timeout: input.positiveNumber(300, 'seconds'),
  warnPolicy: input.string({ default: 'fail' }),
  allowNoGate: input.boolean(false),
};

export interface Inputs extends Omit<InputValues<typeof inputs>, 'config' | 'authScheme' | 'warnPolicy'> {
  /** undefined: the nearest craftista.services.yaml. */
  config: string | undefined;
  /** The input, else SONAR_TOKEN; never empty. */
  token: string;
  /** The input, else SONAR_HOST_URL; '' means report-task.txt's serverUrl. */
  hostUrl: string;
  authScheme: AuthScheme;
  warnPolicy: WarnPolicy;
}

export function getInputs(io: ActionIO): Inputs {
  const raw = readInputs(io, inputs);
  const token = raw.token || io.env['SONAR_TOKEN'] || '';
  if (token === '') throw new Error('input "token" (or SONAR_TOKEN) is required');
  return {
    ...raw,
    config: raw.config || undefined,
    token,
    hostUrl: raw.hostUrl || io.env['SONAR_HOST_URL'] || '',
    authScheme: parseScheme(raw.authScheme),
    warnPolicy: parseWarnPolicy(raw.warnPolicy),
  };
}
