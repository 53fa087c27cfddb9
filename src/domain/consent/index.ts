export * from './types.js';
export {
  QUESTIONS,
  ageBandOf,
  compareConsentRecords,
  competenceJudgementOn,
  evaluateConsent,
  isCompetentOn,
} from './decision.js';
export { CAUSE_PRIORITY, consentTransitions } from './transitions.js';
export type { ConsentTransition, TransitionCause } from './transitions.js';
export {
  CONSENT_CASES_SCHEMA,
  ConsentCaseFileError,
  MAX_CUSTODIANS,
  formatJsonPath,
  parseConsentCaseFile,
} from './case-file.js';
export type { CaseFileProblem, ConsentCase } from './case-file.js';
export { checkCompetenceJudgement, checkConsentRegistration } from './registration.js';
export type {
  ConsentRegistration,
  RegistrationSubject,
  RuleViolation,
  SourcePerson,
} from './registration.js';
export { custodiansOf } from './custody.js';
export type { RelationKind } from './custody.js';
