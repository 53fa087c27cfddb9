/**
 * Vaccination schedule engine after the CDC CDSi Logic Specification 4.6: schedule as data (CDSi
 * supporting data, the Dutch RVP in the same model), dose evaluation and forecast. See docs/schedule.md.
 */
export type { Day, Duration } from './days.js';
export { addDuration, parseDuration, toDay, toIso } from './days.js';
export type * from './model.js';
export type {
  AntigenDoseResult,
  AntigenResult,
  DoseInput,
  DoseReason,
  DoseStatus,
  EvaluateOptions,
  Forecast,
  GroupDoseResult,
  PatientInput,
  SeriesExplanation,
  SeriesStatus,
  VaccineGroupResult,
} from './engine.js';
export { evaluateAndForecast, explainAntigen, normaliseGender } from './engine.js';
export type { ScheduleSupportingData } from './loader.js';
export {
  buildScheduleData,
  defaultCdsiRoot,
  loadCdsiSupportingData,
  parseAntigenSupportingData,
  parseScheduleSupportingData,
  resolveSupportingDataDir,
} from './loader.js';
export type { CdsiCase, CdsiCaseDose, CdsiCaseOutput, CdsiMismatch } from './cdsi-cases.js';
export {
  CdsiCaseError,
  compareCdsiCase,
  normaliseLabel,
  parseCdsiCase,
  resolveVaccineGroup,
  runCdsiCase,
} from './cdsi-cases.js';
export {
  buildRvpSchedule,
  RVP_ASSUMPTIONS,
  RVP_COHORTS,
  RVP_MATERNAL_PERTUSSIS,
  RVP_VACCINE_CODES,
  rvpSchedule,
} from './rvp.js';
