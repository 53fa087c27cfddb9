export { maySend, TRANSFER_DOCUMENT_SCHEMA, transferDocumentSchema } from './document.js';
export type { TransferDocument } from './document.js';
export {
  REGISTRATION_FORM_SCHEMA,
  anonymousFormSchema,
  matchPerson,
  nameKey,
  personalisedFormSchema,
  registrationFormSchema,
} from './registration-form.js';
export type { MatchCandidate, PersonalisedForm, RegistrationForm } from './registration-form.js';
