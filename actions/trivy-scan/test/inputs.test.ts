import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { actionYmlMismatches } from '@craftista/actions-shared/action-yml';
import { inputs } from '../src/inputs.js';

describe('getInputs()', () => {
  it('reads exactly the inputs action.yml declares, with the same defaults and required flags', () => {
    expect(actionYmlMismatches(fileURLToPath(new URL('..', import.meta.url)), inputs)).toEqual([]);
  });
});
