/**
 * Code lists for side effects (bijwerkingen) reported after a vaccination. The reaction list is our
 * own short list of reactions Lareb names for the RVP vaccines; it is NOT MedDRA (MedDRA is licensed),
 * so the export carries the reaction as reported plus our own code (docs/side-effects.md).
 */

export const REACTIONS = [
  { code: 'fever', name: 'Koorts', term: 'Pyrexia' },
  {
    code: 'injection-site',
    name: 'Roodheid, zwelling of pijn op de prikplek',
    term: 'Injection site reaction',
  },
  { code: 'crying', name: 'Langdurig ontroostbaar huilen', term: 'Crying' },
  { code: 'drowsiness', name: 'Sufheid', term: 'Somnolence' },
  { code: 'irritability', name: 'Hangerigheid, prikkelbaarheid', term: 'Irritability' },
  { code: 'rash', name: 'Huiduitslag', term: 'Rash' },
  { code: 'febrile-seizure', name: 'Koortsstuip', term: 'Febrile convulsion' },
  {
    code: 'collapse',
    name: 'Collapsreactie (bleek, slap, niet reagerend)',
    term: 'Hypotonic-hyporesponsive episode',
  },
  { code: 'anaphylaxis', name: 'Anafylactische reactie', term: 'Anaphylactic reaction' },
  { code: 'syncope', name: 'Flauwvallen', term: 'Syncope' },
  { code: 'headache', name: 'Hoofdpijn', term: 'Headache' },
  { code: 'other', name: 'Anders (zie beschrijving)', term: 'Other (see narrative)' },
] as const;
export type ReactionCode = (typeof REACTIONS)[number]['code'];

/** ICH E2B(R3) E.i.3.2a–f: seriousness criteria. */
export const SERIOUSNESS = [
  { code: 'death', name: 'Overlijden', e2b: 'E.i.3.2a' },
  { code: 'life-threatening', name: 'Levensbedreigend', e2b: 'E.i.3.2b' },
  { code: 'hospitalisation', name: 'Ziekenhuisopname (of verlenging)', e2b: 'E.i.3.2c' },
  { code: 'disability', name: 'Blijvende invaliditeit of arbeidsongeschiktheid', e2b: 'E.i.3.2d' },
  { code: 'congenital-anomaly', name: 'Aangeboren afwijking', e2b: 'E.i.3.2e' },
  { code: 'medically-important', name: 'Anders medisch belangrijk', e2b: 'E.i.3.2f' },
] as const;
export type SeriousnessCode = (typeof SERIOUSNESS)[number]['code'];

/** ICH E2B(R3) E.i.7: outcome of the reaction at the time of the last observation. */
export const OUTCOMES = [
  { code: 'recovered', name: 'Hersteld', e2b: '1' },
  { code: 'recovering', name: 'Herstellende', e2b: '2' },
  { code: 'not-recovered', name: 'Niet hersteld', e2b: '3' },
  { code: 'recovered-with-sequelae', name: 'Hersteld met restverschijnselen', e2b: '4' },
  { code: 'fatal', name: 'Overleden', e2b: '5' },
  { code: 'unknown', name: 'Onbekend', e2b: '0' },
] as const;
export type OutcomeCode = (typeof OUTCOMES)[number]['code'];

/**
 * Who told the professional. The primary source of the export is the professional who records it
 * (E2B C.2.r.4 qualification 3, "other health professional"); this is who reported it to them.
 */
export const REPORTERS = [
  { code: 'custodian', name: 'Ouder of gezaghebbende' },
  { code: 'youth', name: 'Jeugdige zelf' },
  { code: 'professional', name: 'Zorgprofessional' },
  { code: 'other', name: 'Anders' },
] as const;
export type ReporterCode = (typeof REPORTERS)[number]['code'];

export const codesOf = <T extends readonly { code: string }[]>(list: T): Set<string> =>
  new Set(list.map((c) => c.code));
