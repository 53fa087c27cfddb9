export { isValidActivityId, newActivityId } from './activity-id.js';
export {
  ACTIVITY_TYPES,
  ADDRESS_KINDS,
  DOSSIER_STATUSES,
  GENDERS,
  LIMITS,
  OBJECTION_CODES,
  VACCINE_TYPES,
  isVaccineType,
} from './codes.js';
export type {
  ActivityTypeCode,
  AddressKind,
  CodeEntry,
  DossierStatus,
  Gender,
  ObjectionCode,
  VaccineTypeCode,
} from './codes.js';
export {
  ANONYMOUS_SCHEMA,
  PERSONALISED_SCHEMA,
  anonymousMessageSchema,
  personalisedMessageSchema,
  vaccinationMessageSchema,
} from './schema.js';
export type { AnonymousMessage, PersonalisedMessage, VaccinationMessage } from './schema.js';
export { FIELD_LABELS, formatFieldPath, validateMessage } from './validate.js';
export type { MessageError, MessageValidation } from './validate.js';
export {
  anonymise,
  buildAnonymousMessage,
  buildPersonalisedMessage,
  chooseMessage,
  hasBsn,
} from './build.js';
export type { ActivitySnapshot, ConsentDecisionValue, ConsentSummary, VaccinationSnapshot } from './build.js';
export { PERSONAL_FIELDS, personalFieldsIn } from './personal.js';
export type { PersonalField } from './personal.js';
