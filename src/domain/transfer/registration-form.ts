import { z } from 'zod';
import { isValidPostcode, normalisePostcode } from '../identifiers/index.js';

/**
 * The registration form (RVP Online's "vaccinatieregistratieformulier" analogue, R-V6, seed 001
 * Bijlage 3): how an organisation reports the vaccination of a youth without a BSN to the registry,
 * outside the message exchange. Personalised (consent given: the identifying data the dossier has,
 * no BSN) or anonymous (no consent: the same fields as message 4a and nothing else).
 */
export const REGISTRATION_FORM_SCHEMA = 'open-rvp/registration-form/v1';

const Date_ = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const activity = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9]{1,10}$/), // BDS 1377
  type: z.string().min(1).max(10), // BDS 494
  date: Date_, // BDS 724
});
const vaccination = z.strictObject({
  vaccineType: z.string().min(1).max(10), // BDS 461
  date: Date_, // BDS 1409
  batchNumber: z.string().min(1).max(50), // BDS 472
  performer: z.string().min(1).max(50), // BDS 1336
  location: z.string().min(1).max(50), // BDS 1452
});

const common = {
  schema: z.literal(REGISTRATION_FORM_SCHEMA),
  organisationUra: z.string().regex(/^\d{8}$/), // BDS 603
  version: z.number().int().min(1),
  activity,
  vaccinations: z.array(vaccination).min(1).max(20),
};

export const anonymousFormSchema = z.strictObject({ ...common, kind: z.literal('anonymous') });

export const personalisedFormSchema = z.strictObject({
  ...common,
  kind: z.literal('personalised'),
  identity: z.strictObject({
    givenName: z.string().min(1).max(200), // BDS 6
    prefix: z.string().max(10).nullable(), // BDS 3
    familyName: z.string().min(1).max(200), // BDS 4
    gender: z.enum(['0', '1', '2', '3']), // BDS 19
    birthDate: Date_, // BDS 20
    postcode: z
      .string()
      .nullable()
      .refine((p) => p === null || isValidPostcode(p), 'Geen geldige postcode'), // BDS 16
    houseNumber: z.number().int().min(1).nullable(), // BDS 12
  }),
  consent: z.strictObject({
    given: z.literal(true),
    date: Date_,
    organisationUra: z.string().regex(/^\d{8}$/),
  }),
});

export const registrationFormSchema = z.discriminatedUnion('kind', [
  anonymousFormSchema,
  personalisedFormSchema,
]);
export type RegistrationForm = z.infer<typeof registrationFormSchema>;
export type PersonalisedForm = z.infer<typeof personalisedFormSchema>;

/** Normalised match key of a name: lower case, no diacritics, spaces and hyphens folded. */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s'-]+/g, ' ')
    .trim();
}

export interface MatchCandidate {
  id: string;
  givenName: string;
  prefix: string | null;
  familyName: string;
  gender: string;
  birthDate: string;
  postcode: string | null;
}

/**
 * Which person a personalised form is about: candidates share the birth date; the family name (with
 * prefix) and the given name must match after normalising; gender and postcode narrow further when
 * known. Only a single remaining candidate is a match — two look-alikes stay for a person to decide.
 */
export function matchPerson(
  identity: PersonalisedForm['identity'],
  candidates: readonly MatchCandidate[],
): string | null {
  const family = (prefix: string | null, name: string) => nameKey(`${prefix ?? ''} ${name}`);
  let fit = candidates.filter(
    (c) =>
      c.birthDate === identity.birthDate &&
      family(c.prefix, c.familyName) === family(identity.prefix, identity.familyName) &&
      nameKey(c.givenName) === nameKey(identity.givenName),
  );
  if (identity.gender === '1' || identity.gender === '2') {
    fit = fit.filter((c) => c.gender === identity.gender || c.gender === '0');
  }
  if (fit.length > 1 && identity.postcode) {
    const pc = normalisePostcode(identity.postcode);
    fit = fit.filter((c) => c.postcode !== null && normalisePostcode(c.postcode) === pc);
  }
  return fit.length === 1 ? fit[0]!.id : null;
}
