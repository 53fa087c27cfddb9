export { OUTCOMES, REACTIONS, REPORTERS, SERIOUSNESS } from './codes.js';
export type { OutcomeCode, ReactionCode, ReporterCode, SeriousnessCode } from './codes.js';
export { checkSideEffect, MAX_ONSET_DAYS } from './rules.js';
export type { SideEffectInput, SideEffectViolation } from './rules.js';
export { ageAtOnset, buildIcsr, buildLarebExport, LAREB_EXPORT_SCHEMA, larebExportSchema } from './lareb.js';
export type { Icsr, LarebExport, SideEffectForExport } from './lareb.js';
