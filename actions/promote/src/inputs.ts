// promote's inputs, declared once; test/inputs.test.ts checks action.yml against this.
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { input, readInputs, type InputValues } from '@craftista/actions-shared/inputs';

export const inputs = {
  token: input.string({ required: true }),
  workflowToken: input.string({ expression: '${{ github.token }}' }),
  from: input.string({ required: true }),
  to: input.string({ required: true }),
  services: input.string({ default: 'all' }),
  repository: input.string(),
  base: input.string(),
  branch: input.string(),
  config: input.string(),
  labels: input.list(),
  reviewers: input.list(),
  teamReviewers: input.list(),
  allowDowngrade: input.boolean(false),
  sourceRepository: input.string(),
};

export type Inputs = InputValues<typeof inputs>;

export function getInputs(io: ActionIO): Inputs {
  return readInputs(io, inputs);
}
