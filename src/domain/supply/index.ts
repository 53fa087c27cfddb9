export * from './loss.js';
export * from './calendar.js';
export * from './inventory.js';
export * from './scenario.js';
export * from './forms.js';
