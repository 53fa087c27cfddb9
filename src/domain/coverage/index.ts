export * from './indicators.js';
export * from './suppression.js';
export * from './estimate.js';
export * from './signal.js';
