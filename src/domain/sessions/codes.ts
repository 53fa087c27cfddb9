/**
 * The code on a response card, a reminder or a confirmation letter: printed as a Code 128 barcode and
 * typed by a handheld scanner (or read by a camera) into the scan field. Random, so it says nothing
 * about the person; ten characters of Crockford base 32 with a final check character (ISO 7064
 * MOD 37-36), so that a mistyped code is refused as invalid instead of finding someone else.
 */

/** Crockford base 32: no I, L, O, U, so a code read aloud or typed by hand is hard to get wrong. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const CODE_PREFIX = 'T';
/** Prefix + 8 random characters + 1 check character. */
export const CODE_LENGTH = 10;

/** ISO 7064 MOD 37-36 (hybrid system) check character over letters and digits. */
export function checkCharacter(payload: string): string {
  const m = 36;
  let p = m;
  for (const ch of payload) {
    const value = CHECK_ALPHABET.indexOf(ch);
    if (value < 0) throw new RangeError(`not a code character: ${ch}`);
    let s = (p + value) % m;
    if (s === 0) s = m;
    p = (s * 2) % (m + 1);
  }
  const check = (m + 1 - p) % m;
  return CHECK_ALPHABET[check]!;
}

/** A new code from `random` (numbers in [0, 1)); pass crypto-backed randomness in production. */
export function makeResponseCode(random: () => number): string {
  let body = CODE_PREFIX;
  for (let i = 0; i < CODE_LENGTH - 2; i++) {
    body += ALPHABET[Math.min(ALPHABET.length - 1, Math.floor(random() * ALPHABET.length))];
  }
  return body + checkCharacter(body);
}

export type ScannedCode = { ok: true; code: string } | { ok: false; rule: 'code-format' | 'code-check' };

/**
 * What a scanner typed, made into a code: scanners add spaces, a prefix such as `]C0`, or lower case
 * (caps lock); Crockford reading maps O→0 and I/L→1. Then the check character must hold.
 */
export function parseScannedCode(text: string): ScannedCode {
  const cleaned = text
    .trim()
    .replace(/^\]C\d/i, '')
    .replace(/[\s-]/g, '')
    .toUpperCase();
  if (cleaned.length !== CODE_LENGTH || !cleaned.startsWith(CODE_PREFIX))
    return { ok: false, rule: 'code-format' };
  const body = cleaned.slice(1, -1).replace(/O/g, '0').replace(/[IL]/g, '1');
  if (![...body].every((ch) => ALPHABET.includes(ch))) return { ok: false, rule: 'code-format' };
  const payload = CODE_PREFIX + body;
  const check = cleaned.slice(-1);
  if (checkCharacter(payload) !== check) return { ok: false, rule: 'code-check' };
  return { ok: true, code: payload + check };
}
