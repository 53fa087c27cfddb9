/** URA: the eight-digit organisation id from the UZI register. */
const URA = /^[0-9]{8}$/;

export function isValidUra(value: string): boolean {
  return URA.test(value);
}

/**
 * Deterministic demo URA for an organisation number (0 … 999 999). The 9000xxxx range keeps
 * demo ids recognisable; they are not registered URAs.
 */
export function makeUra(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > 999_999) {
    throw new RangeError(`URA seed out of range: ${n}`);
  }
  return String(90_000_000 + n);
}
