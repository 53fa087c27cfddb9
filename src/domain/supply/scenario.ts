/**
 * Stock scenarios (seed 004: "hoeveel vaccins we nodig denken te hebben … meer vaccins kunnen
 * doneren"): the projected need per vaccine for the coming months from the schedule (age of each
 * dose), the population by birth month and the expected uptake, set against the stock. A surplus
 * beyond the safety stock could be donated; a shortfall needs an order. Pure.
 */
import { addMonths } from '../dates/index.js';

/** Scheduled doses by age in months (RVP 2025 standard schedule, docs/supply.md). */
export const SCHEDULED_DOSES: readonly { vaccineType: string; ageMonths: number }[] = [
  { vaccineType: '29', ageMonths: 2 },
  { vaccineType: '29', ageMonths: 3 },
  { vaccineType: '11', ageMonths: 3 },
  { vaccineType: '08', ageMonths: 3 },
  { vaccineType: '11', ageMonths: 5 },
  { vaccineType: '08', ageMonths: 5 },
  { vaccineType: '11', ageMonths: 12 },
  { vaccineType: '08', ageMonths: 12 },
  { vaccineType: '04', ageMonths: 14 },
  { vaccineType: '28', ageMonths: 14 },
  { vaccineType: '04', ageMonths: 36 },
  { vaccineType: '13', ageMonths: 60 },
  { vaccineType: '09', ageMonths: 120 },
  { vaccineType: '09', ageMonths: 126 },
  { vaccineType: '28', ageMonths: 168 },
  { vaccineType: '02', ageMonths: 168 },
];

export interface ScenarioInput {
  /** Persons per birth month 'YYYY-MM'. */
  readonly birthsByMonth: ReadonlyMap<string, number>;
  /** First projected month 'YYYY-MM' and how many months. */
  readonly fromMonth: string;
  readonly months: number;
  /** Expected uptake per vaccine type (0–1); default `defaultUptake`. */
  readonly uptake?: Readonly<Record<string, number>>;
  readonly defaultUptake: number;
  /** Usable stock (not quarantined) per vaccine type. */
  readonly stock: Readonly<Record<string, number>>;
  /** Months of need to keep as safety stock. */
  readonly safetyMonths: number;
  readonly schedule?: readonly { vaccineType: string; ageMonths: number }[];
}

export interface VaccineScenario {
  readonly vaccineType: string;
  readonly needByMonth: readonly { month: string; need: number }[];
  readonly totalNeed: number;
  readonly stock: number;
  readonly safetyStock: number;
  /** stock − need − safety: > 0 surplus that could be donated, < 0 shortfall. */
  readonly balance: number;
  readonly outcome: 'surplus' | 'shortfall' | 'balanced';
}

const monthOf = (m: string, add: number): string => addMonths(`${m}-01`, add).slice(0, 7);

export function projectStock(input: ScenarioInput): VaccineScenario[] {
  if (!/^\d{4}-\d{2}$/.test(input.fromMonth)) throw new RangeError('fromMonth must be YYYY-MM');
  if (!Number.isInteger(input.months) || input.months < 1 || input.months > 60) {
    throw new RangeError('months must be 1–60');
  }
  const schedule = input.schedule ?? SCHEDULED_DOSES;
  const types = [...new Set([...schedule.map((d) => d.vaccineType), ...Object.keys(input.stock)])].sort();
  return types.map((vaccineType) => {
    const uptake = Math.min(1, Math.max(0, input.uptake?.[vaccineType] ?? input.defaultUptake));
    const needByMonth = Array.from({ length: input.months }, (_, i) => {
      const month = monthOf(input.fromMonth, i);
      let persons = 0;
      for (const dose of schedule) {
        if (dose.vaccineType !== vaccineType) continue;
        // Those born `ageMonths` before this month reach the dose's age in it.
        persons += input.birthsByMonth.get(monthOf(month, -dose.ageMonths)) ?? 0;
      }
      return { month, need: Math.ceil(persons * uptake) };
    });
    const totalNeed = needByMonth.reduce((s, m) => s + m.need, 0);
    const perMonth = totalNeed / input.months;
    const safetyStock = Math.ceil(perMonth * input.safetyMonths);
    const stock = input.stock[vaccineType] ?? 0;
    const balance = stock - totalNeed - safetyStock;
    return {
      vaccineType,
      needByMonth,
      totalNeed,
      stock,
      safetyStock,
      balance,
      outcome: balance > 0 ? 'surplus' : balance < 0 ? 'shortfall' : 'balanced',
    };
  });
}
