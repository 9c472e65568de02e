import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionYmlMismatches } from '../src/action-yml.js';
import { input } from '../src/inputs.js';

describe('actionYmlMismatches', () => {
  it('names every input that differs in name, required flag or default, and nothing when they agree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-yml-'));
    writeFileSync(
      join(dir, 'action.yml'),
      `inputs:
  service: { required: true }
  cache-scope: { default: '' }
  push: { default: 'false' }
  retries: { default: '3' }
  workflow-token: { default: '\${{ github.token }}' }
  timeout: { default: '300' }
  stray: { default: '' }
`,
    );
    const agreeing = {
      service: input.string({ required: true }),
      cacheScope: input.string(),
      push: input.boolean(false),
      retries: input.positiveInteger(3),
      workflowToken: input.string({ expression: '${{ github.token }}' }),
      timeout: input.positiveNumber(300),
      stray: input.string(),
    };
    expect(actionYmlMismatches(dir, agreeing)).toEqual([]);
    const { stray: _stray, ...rest } = agreeing;
    expect(
      actionYmlMismatches(dir, {
        ...rest,
        service: input.string(),
        push: input.boolean(true),
        timeout: input.positiveNumber(600),
        missing: input.list(),
      }),
    ).toEqual([
      'action.yml has input "stray" that getInputs() does not read',
      '"service": action.yml says required: true, the code false',
      '"service": action.yml\'s default is undefined, the code\'s ""',
      '"push": action.yml\'s default is "false", the code\'s "true"',
      '"timeout": action.yml\'s default is "300", the code\'s "600"',
      'getInputs() reads "missing" that action.yml does not declare',
    ]);
  });
});
