/**
 * Code lists and field limits for the dossier → registry vaccination messages (BDS JGZ).
 * Sources: SPEC §12 (value lists), seed 001 §3.10–3.11 (elements, datatypes and lengths).
 */

/** A code with its Dutch display name. */
export interface CodeEntry<C extends string = string> {
  readonly code: C;
  readonly name: string;
}

/** W0002 dossier status (BDS 696). */
export const DOSSIER_STATUSES = [
  { code: '01', name: 'Actief' },
  { code: '02', name: 'Gesloten' },
] as const satisfies readonly CodeEntry[];
export type DossierStatus = (typeof DOSSIER_STATUSES)[number]['code'];

/** W0023 gender (BDS 19). */
export const GENDERS = [
  { code: '0', name: 'Onbekend' },
  { code: '1', name: 'Man' },
  { code: '2', name: 'Vrouw' },
  { code: '3', name: 'Niet gespecificeerd' },
] as const satisfies readonly CodeEntry[];
export type Gender = (typeof GENDERS)[number]['code'];

/** W0003 address kind (BDS 8). */
export const ADDRESS_KINDS = [
  { code: '01', name: 'BRP-/COA-adres' },
  { code: '02', name: 'Woonadres' },
  { code: '03', name: 'Postadres' },
  { code: '04', name: 'Tijdelijk adres' },
  { code: '98', name: 'Anders' },
] as const satisfies readonly CodeEntry[];
export type AddressKind = (typeof ADDRESS_KINDS)[number]['code'];

/** W0323 objection (BDS 683). */
export const OBJECTION_CODES = [
  { code: '1', name: 'Medische redenen' },
  { code: '2', name: 'Wil niet deelnemen' },
  { code: '98', name: 'Anders' },
] as const satisfies readonly CodeEntry[];
export type ObjectionCode = (typeof OBJECTION_CODES)[number]['code'];

/**
 * W0422 vaccine type (BDS 461; RIVM list, OID 2.16.840.1.113883.2.4.4.40.76): the subset named in
 * SPEC §12. The full RIVM list is longer; codes outside this subset are refused until added here.
 * Code `30` is "maternal flu" per SPEC §12 — see docs/messages.md for the open question whether the
 * RIVM list means maternal pertussis (dKaP) instead.
 */
export const VACCINE_TYPES = [
  { code: '11', name: 'DKTP-Hib-HepB' },
  { code: '08', name: 'Pneumokokken' },
  { code: '04', name: 'BMR' },
  { code: '28', name: 'MenACWY' },
  { code: '09', name: 'HPV' },
  { code: '02', name: 'DTP' },
  { code: '13', name: 'DKT' },
  { code: '27', name: 'DKTP (booster)' },
  { code: '29', name: 'Rotavirus' },
  { code: '30', name: 'Maternale griep' },
  { code: '98', name: 'Overig' },
] as const satisfies readonly CodeEntry[];
export type VaccineTypeCode = (typeof VACCINE_TYPES)[number]['code'];

const VACCINE_CODES: ReadonlySet<string> = new Set(VACCINE_TYPES.map((v) => v.code));

export function isVaccineType(code: unknown): code is VaccineTypeCode {
  return typeof code === 'string' && VACCINE_CODES.has(code);
}

/**
 * Activity type (BDS 494, value list W0188). The BDS list itself is not in our sources, so this is
 * our own documented list; the wire format accepts any code of 1..10 characters [A-Za-z0-9._-] so that
 * a real W0188 code can be sent without a schema change.
 */
export const ACTIVITY_TYPES = [
  { code: '01', name: 'Individueel contactmoment (spreekuur)' },
  { code: '02', name: 'Groepsvaccinatie' },
  { code: '03', name: 'Huisbezoek' },
  { code: '04', name: 'Vaccinatie elders (andere organisatie)' },
  { code: '05', name: 'Inhaalvaccinatie / veegactie' },
  { code: '06', name: 'Maternale vaccinatie (zwangere)' },
  { code: '98', name: 'Overig' },
] as const satisfies readonly CodeEntry[];
export type ActivityTypeCode = (typeof ACTIVITY_TYPES)[number]['code'];

/** Length and count limits (BDS datatype lengths from seed 001 §3.10–3.11). */
export const LIMITS = {
  dossierNumber: 15, // 695, AN 15
  givenName: 200, // 6, AN 200
  prefix: 10, // 3, AN 10
  familyName: 200, // 4, AN 200
  houseNumberMin: 1, // 12, N
  houseNumberMax: 99_999,
  houseNumberAddition: 4, // 14, AN 4
  activityId: 10, // 1377, AN 10
  activityType: 10, // 494
  batchNumber: 50, // 472, AN 50
  performer: 50, // 1336, AN 50
  location: 50, // 1452, AN 50
  vaccinations: 20, // G076 0..* — our own cap per activity
} as const;
