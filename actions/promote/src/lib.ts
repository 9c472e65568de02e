export * from './promote.js';
