// build-image's inputs, declared once; test/inputs.test.ts checks action.yml against this.
import type { ActionIO } from '@craftista/actions-shared/action-io';
import { input, readInputs } from '@craftista/actions-shared/inputs';
import { parseCache, parseNetwork, parseProvenance, type CacheMode, type Provenance } from './buildx.js';

export const inputs = {
  service: input.string({ required: true }),
  config: input.string(),
  context: input.string({ default: '.' }),
  push: input.boolean(false),
  load: input.boolean(false),
  platforms: input.list(),
  provenance: input.string({ default: 'false' }),
  cache: input.string({ default: 'gha' }),
  cacheScope: input.string(),
  buildArgs: input.lines(),
  network: input.string(),
  defaultBranch: input.string(),
};

export interface Inputs {
  service: string;
  /** undefined: the nearest craftista.services.yaml. */
  config: string | undefined;
  context: string;
  push: boolean;
  load: boolean;
  platforms: string[];
  provenance: Provenance;
  cache: CacheMode;
  /** '' means the service name. */
  cacheScope: string;
  buildArgs: string[];
  /** '' leaves buildx's default. */
  network: string;
  /** undefined: the repository's default branch from the event payload. */
  defaultBranch: string | undefined;
}

export function getInputs(io: ActionIO): Inputs {
  const raw = readInputs(io, inputs);
  return {
    ...raw,
    config: raw.config || undefined,
    provenance: parseProvenance(raw.provenance),
    cache: parseCache(raw.cache),
    network: parseNetwork(raw.network),
    defaultBranch: raw.defaultBranch || undefined,
  };
}
