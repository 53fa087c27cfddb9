/**
 * The coverage estimate that adds anonymous vaccinations (message 4a). Anonymous doses carry no birth
 * date and no address, only the organisation, vaccine and date, so they cannot be put in a cohort or a
 * municipality. Ratio method (docs/coverage.md): per organisation and indicator, compare anonymous
 * and personalised doses of the indicator's vaccines given in the cohort's window; assume the anonymous
 * recipients complete their series like the personalised ones, so vaccinated persons scale by the same
 * ratio. The organisation's ratio applies to each of its municipalities. Never above the population.
 */

export interface DoseCounts {
  readonly personalised: number;
  readonly anonymous: number;
}

export interface EstimateInput extends DoseCounts {
  /** Persons in the cell (denominator). */
  readonly population: number;
  /** Persons in the cell who met the indicator on personalised records. */
  readonly vaccinated: number;
  /** Valid doses the indicator needs (used when there is no personalised dose to compare with). */
  readonly dosesRequired: number;
}

/** Estimated vaccinated persons including the anonymous ones (whole persons, ≤ population). */
export function estimateWithAnonymous(input: EstimateInput): number {
  const { population, vaccinated, personalised, anonymous, dosesRequired } = input;
  if (anonymous <= 0) return vaccinated;
  const extra =
    personalised > 0 ? (vaccinated * anonymous) / personalised : anonymous / Math.max(1, dosesRequired);
  return Math.min(population, Math.round(vaccinated + extra));
}

/** Coverage as a percentage with one decimal, or null for an empty cell. */
export function percentage(vaccinated: number, population: number): number | null {
  if (population <= 0) return null;
  return Math.round((vaccinated / population) * 1000) / 10;
}
