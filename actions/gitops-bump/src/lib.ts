export * from './yaml-edit.js';
export * from './versions.js';
export * from './gitops.js';
export * from './plan.js';
export * from './provenance.js';
export { explainFailure, gitOpsApi, summarize, writeOutputs } from './main.js';
