/**
 * Dutch postcode: four digits not starting with 0, optionally a space, two capital letters.
 * The letter pairs SA, SD and SS are never issued.
 */
const POSTCODE = /^[1-9][0-9]{3} ?([A-Z]{2})$/;
const FORBIDDEN_LETTERS = new Set(['SA', 'SD', 'SS']);

export function isValidPostcode(value: string): boolean {
  const m = POSTCODE.exec(value);
  return m !== null && !FORBIDDEN_LETTERS.has(m[1] as string);
}

/**
 * Canonical storage form "1234AB" (as in the BRP and BDS element 16): trims, upper-cases and
 * drops inner whitespace. Returns null when the result is not a valid postcode.
 */
export function normalisePostcode(value: string): string | null {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return isValidPostcode(compact) ? compact : null;
}

/** Display form "1234 AB"; null when not a valid postcode. */
export function formatPostcode(value: string): string | null {
  const n = normalisePostcode(value);
  return n === null ? null : `${n.slice(0, 4)} ${n.slice(4)}`;
}
