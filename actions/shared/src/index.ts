export * from './services-config.js';
export * from './github-urls.js';
export * from './summary.js';
export * from './octokit.js';
export * from './exec.js';
export * from './action-io.js';
export * from './inputs.js';
