export { CODE_LENGTH, CODE_PREFIX, checkCharacter, makeResponseCode, parseScannedCode } from './codes.js';
export type { ScannedCode } from './codes.js';
export { verifyPhoneCaller } from './phone.js';
export type { PhoneVerificationInput, PhoneVerificationProblem } from './phone.js';
export {
  SWEEP_KINDS,
  decisionChangeAtSixteen,
  inWindow,
  isNonResponder,
  missingRegistrations,
  previousMonths,
  turnedTwelveIn,
  turnsSixteenWithin,
} from './sweeps.js';
export type { DateWindow, DecisionChange, MissingParty, SweepKind } from './sweeps.js';
export { letterRecipients } from './recipients.js';
export type { Recipient, RecipientInput, RecipientRole } from './recipients.js';
export { checkInAdvice, dueAtSession, inCohort } from './cohort.js';
export type { CheckInAdvice, CohortCriteria, DueStatus, DueVaccine } from './cohort.js';
