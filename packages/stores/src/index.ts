export * from './mongo.js';
export * from './postgres.js';
export * from './redis.js';
