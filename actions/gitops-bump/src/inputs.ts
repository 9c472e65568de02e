// gitops-bump's inputs, declared once; test/inputs.test.ts checks action.yml against this.
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { input, readInputs, type InputValues } from '@craftista/actions-shared/inputs';

export const inputs = {
  token: input.string({ required: true }),
  workflowToken: input.string({ expression: '${{ github.token }}' }),
  services: input.string(),
  tag: input.string(),
  digest: input.string(),
  image: input.string(),
  images: input.string(),
  environment: input.string({ default: 'dev' }),
  repository: input.string(),
  base: input.string(),
  branch: input.string(),
  config: input.string(),
  labels: input.list(),
  reviewers: input.list(),
  teamReviewers: input.list(),
  autoMerge: input.string({ default: 'false' }),
  draft: input.boolean(false),
  commitMessage: input.string({ default: 'chore({env}): bump {images}' }),
  allowDowngrade: input.boolean(false),
  trivyCounts: input.string(),
  qualityGate: input.string(),
  sourceSha: input.string(),
};

const AUTO_MERGE = { merge: 'MERGE', squash: 'SQUASH', rebase: 'REBASE' } as const;
type AutoMerge = (typeof AUTO_MERGE)[keyof typeof AUTO_MERGE];

export function autoMergeInput(value: string): AutoMerge | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off') return undefined;
  const m = AUTO_MERGE[v as keyof typeof AUTO_MERGE];
  if (!m) throw new Error(`auto-merge must be false, merge, squash or rebase (got "${value}")`);
  return m;
}

export interface Inputs extends Omit<InputValues<typeof inputs>, 'autoMerge'> {
  autoMerge: AutoMerge | undefined;
}

export function getInputs(io: ActionIO): Inputs {
  const raw = readInputs(io, inputs);
  return { ...raw, autoMerge: autoMergeInput(raw.autoMerge) };
}
