/**
 * "Signals that coverage is falling" (seed 002, annex A Afstemmingsoverleg 4): a municipality's
 * coverage for an indicator dropped by at least `thresholdPoints` percentage points against the
 * previous cohort, or fell below the floor (default: the WHO-norm 90%). Only published figures count.
 */
export interface CoverageSignalInput {
  readonly previous: number | null;
  readonly current: number | null;
  readonly thresholdPoints: number;
  readonly floor?: number;
}

export type CoverageSignal =
  { readonly kind: 'drop'; readonly points: number } | { readonly kind: 'below-floor' };

export function coverageSignal(input: CoverageSignalInput): CoverageSignal | null {
  const { previous, current, thresholdPoints, floor } = input;
  if (current === null) return null;
  if (previous !== null) {
    const points = Math.round((previous - current) * 10) / 10;
    if (points >= thresholdPoints) return { kind: 'drop', points };
  }
  if (floor !== undefined && current < floor) return { kind: 'below-floor' };
  return null;
}
