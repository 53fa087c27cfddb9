/**
 * JSON paths (array items written `[]`) of message 4 that are personal data: everything message 4
 * has and message 4a does not. Message 4a must contain none of them (R-V3); the registry strips them
 * when a citizen asks it to unlink personal data from vaccinations (R-R6). The dossier number and
 * the objection flag count as personal: the first identifies the person at the organisation, the
 * second says something about the person rather than about the vaccine used.
 */
export const PERSONAL_FIELDS = [
  'dossier',
  'dossier.number',
  'client',
  'client.bsn',
  'client.givenName',
  'client.prefix',
  'client.familyName',
  'client.gender',
  'client.birthDate',
  'client.address',
  'client.address.kind',
  'client.address.houseNumber',
  'client.address.houseLetter',
  'client.address.houseNumberAddition',
  'client.address.postcode',
  'consent',
  'consent.given',
  'consent.date',
  'consent.organisationUra',
  'vaccinations[].objection',
] as const;

export type PersonalField = (typeof PERSONAL_FIELDS)[number];

const PERSONAL: ReadonlySet<string> = new Set(PERSONAL_FIELDS);

/**
 * The personal-field paths present in a JSON value (array indices written `[]`), for a defence-in-depth
 * check before an anonymous message is sent or stored. Only paths matter: the same key name at another
 * place (e.g. `activity.date` versus `consent.date`) is not personal.
 */
export function personalFieldsIn(json: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, `${path}[]`);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const p = path === '' ? key : `${path}.${key}`;
        if (PERSONAL.has(p)) found.add(p);
        walk(child, p);
      }
    }
  };
  walk(json, '');
  return [...found];
}
