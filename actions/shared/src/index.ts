export * from './services-config.js';
export * from './github-urls.js';
export * from './summary.js';
export * from './octokit.js';
