export * from './processes.js';
export * from './servers.js';
export * from './tools.js';
export * from './bench.js';
export * from './service-process.js';
export * from './backends.js';
export * from './answers.js';
