/**
 * Vaccine loss per organisation and period (seed 002, annex B2; SPEC §8). Per vaccine:
 *   D = A + B − C   administrative use (opening stock + delivered − closing stock, both counted)
 *   E               accounted use: valid registered administrations, personalised and anonymous
 *   loss = D − E, split into known loss (reported incidents, e.g. cold chain) and unknown loss.
 * A negative loss (more registered than used) is shown with its likely explanation; a loss above 1%
 * of D opens a consultation (annex A, Afstemmingsoverleg 6). Pure.
 */

export interface LossInput {
  readonly vaccineType: string;
  /** A: counted opening stock (inventory at the start of the period). */
  readonly openingStock: number;
  /** B: delivered by the RIVM in the period (confirmed quantities). */
  readonly delivered: number;
  /** C: counted closing stock. */
  readonly closingStock: number;
  /** Valid registered administrations, personalised. */
  readonly administeredPersonalised: number;
  /** Registered anonymous administrations (message 4a). */
  readonly administeredAnonymous: number;
  /** Reported losses (incidents the registry decided were lost). */
  readonly knownLoss: number;
}

export type NegativeLossReason = 'registered-more-than-used';

export interface LossResult {
  readonly vaccineType: string;
  readonly openingStock: number; // A
  readonly delivered: number; // B
  readonly closingStock: number; // C
  readonly administrativeUse: number; // D
  readonly accountedUse: number; // E
  readonly loss: number; // D − E
  readonly knownLoss: number;
  readonly unknownLoss: number;
  /** loss / D in percent with two decimals; null when D is 0. */
  readonly lossPercent: number | null;
  /** Loss above 1% of D. */
  readonly flagged: boolean;
  readonly negative: boolean;
  /** Dutch explanation shown with a negative loss or with known loss above the loss. */
  readonly explanation: string | null;
}

export const LOSS_FLAG_PERCENT = 1;

export function computeLoss(input: LossInput): LossResult {
  for (const [k, v] of Object.entries(input)) {
    if (k !== 'vaccineType' && (!Number.isInteger(v) || (v as number) < 0)) {
      throw new RangeError(`${k} must be a whole number ≥ 0`);
    }
  }
  const administrativeUse = input.openingStock + input.delivered - input.closingStock;
  const accountedUse = input.administeredPersonalised + input.administeredAnonymous;
  const loss = administrativeUse - accountedUse;
  // Known loss explains at most the loss there is; the rest is unknown.
  const knownLoss = Math.max(0, Math.min(input.knownLoss, loss));
  const unknownLoss = loss - knownLoss;
  const lossPercent = administrativeUse > 0 ? Math.round((loss / administrativeUse) * 10_000) / 100 : null;
  const negative = loss < 0;
  let explanation: string | null = null;
  if (negative) {
    explanation =
      'Er zijn meer toedieningen geregistreerd dan er volgens voorraad en leveringen zijn verbruikt: ' +
      'mogelijk een telfout bij de inventarisatie, een levering die niet is bevestigd, vaccin van een ' +
      'andere organisatie of een dubbele registratie. Het RIVM zoekt de oorzaak samen met de organisatie.';
  } else if (input.knownLoss > loss) {
    explanation =
      'Het gemelde verlies is groter dan het berekende verlies: een deel van de gemelde vaccins is ' +
      'waarschijnlijk toch gebruikt of teruggenomen.';
  }
  return {
    vaccineType: input.vaccineType,
    openingStock: input.openingStock,
    delivered: input.delivered,
    closingStock: input.closingStock,
    administrativeUse,
    accountedUse,
    loss,
    knownLoss,
    unknownLoss,
    lossPercent,
    flagged: administrativeUse > 0 && (loss * 100) / administrativeUse > LOSS_FLAG_PERCENT,
    negative,
    explanation,
  };
}

/** Totals over vaccines (the organisation's figure for the period). */
export function totalLoss(results: readonly LossResult[]): Omit<LossResult, 'vaccineType' | 'explanation'> {
  const sum = (f: (r: LossResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const administrativeUse = sum((r) => r.administrativeUse);
  const loss = sum((r) => r.loss);
  return {
    openingStock: sum((r) => r.openingStock),
    delivered: sum((r) => r.delivered),
    closingStock: sum((r) => r.closingStock),
    administrativeUse,
    accountedUse: sum((r) => r.accountedUse),
    loss,
    knownLoss: sum((r) => r.knownLoss),
    unknownLoss: sum((r) => r.unknownLoss),
    lossPercent: administrativeUse > 0 ? Math.round((loss / administrativeUse) * 10_000) / 100 : null,
    flagged: administrativeUse > 0 && (loss * 100) / administrativeUse > LOSS_FLAG_PERCENT,
    negative: loss < 0,
  };
}
