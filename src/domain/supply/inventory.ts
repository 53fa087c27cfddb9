/**
 * Plausibility of an inventory count (annex B1: "beoordeelt de opgegeven aantallen op
 * waarschijnlijkheid"). Expected stock = previous count + delivered − registered administrations −
 * known loss since. A count is implausible when it differs from the expected stock by more than the
 * tolerance: max(`absolute`, `relative` × expected). Counting more than was ever there is always
 * implausible. Pure.
 */
export interface PlausibilityInput {
  readonly counted: number;
  readonly previousCount: number;
  readonly delivered: number;
  readonly administered: number;
  readonly knownLoss: number;
  readonly absolute?: number;
  readonly relative?: number;
}

export interface Plausibility {
  readonly expected: number;
  readonly difference: number;
  readonly plausible: boolean;
  readonly reason: 'ok' | 'more-than-available' | 'deviation';
}

export function checkPlausibility(input: PlausibilityInput): Plausibility {
  const absolute = input.absolute ?? 5;
  const relative = input.relative ?? 0.1;
  const available = input.previousCount + input.delivered;
  const expected = Math.max(0, available - input.administered - input.knownLoss);
  const difference = input.counted - expected;
  if (input.counted > available)
    return { expected, difference, plausible: false, reason: 'more-than-available' };
  const tolerance = Math.max(absolute, Math.ceil(relative * expected));
  return Math.abs(difference) > tolerance
    ? { expected, difference, plausible: false, reason: 'deviation' }
    : { expected, difference, plausible: true, reason: 'ok' };
}
