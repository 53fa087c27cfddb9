/**
 * Rules behind the location's supply forms (seed 002 annex B 7, 9). Pure.
 *
 * - A delivery line is confirmed as received: quantity, and the batch and expiry on the vials. Any
 *   difference from the delivery note is a discrepancy, which needs a note (annex B 7).
 * - A cold-chain incident is an excursion outside the storage range of +2 °C … +8 °C (Richtlijn Cold
 *   Chain, annex B 2): it names at least one measured temperature outside the range, and how long.
 */

/** The storage range of RVP vaccines in °C (annex B 2). */
export const STORAGE_RANGE = { min: 2, max: 8 } as const;

export interface DeliveredLine {
  readonly quantity: number;
  readonly batchNumber: string;
  readonly expiryDate: string | null;
}

export interface ReceivedLine {
  readonly quantity: number;
  /** Omitted: as on the delivery note. */
  readonly batchNumber?: string | undefined;
  readonly expiryDate?: string | undefined;
}

export interface LineDiscrepancy {
  /** received − delivered */
  readonly quantity: number;
  readonly batchDiffers: boolean;
  readonly expiryDiffers: boolean;
  readonly isDiscrepancy: boolean;
}

export function lineDiscrepancy(delivered: DeliveredLine, received: ReceivedLine): LineDiscrepancy {
  const quantity = received.quantity - delivered.quantity;
  const batch = received.batchNumber?.trim();
  const batchDiffers = !!batch && batch !== delivered.batchNumber;
  // An expiry the note did not state is information, not a difference.
  const expiryDiffers =
    !!received.expiryDate && delivered.expiryDate !== null && received.expiryDate !== delivered.expiryDate;
  return {
    quantity,
    batchDiffers,
    expiryDiffers,
    isDiscrepancy: quantity !== 0 || batchDiffers || expiryDiffers,
  };
}

export interface Excursion {
  readonly minTemperature?: number | undefined;
  readonly maxTemperature?: number | undefined;
  readonly durationMinutes?: number | undefined;
}

export interface ExcursionViolation {
  readonly field: 'minTemperature' | 'maxTemperature' | 'durationMinutes';
  readonly rule: 'temperature-required' | 'min-not-above-max' | 'outside-storage-range' | 'duration-required';
  readonly message: string;
}

/** Violations of a cold-chain incident's measurements; empty when it is a real excursion. */
export function checkExcursion(e: Excursion): ExcursionViolation[] {
  const out: ExcursionViolation[] = [];
  const { minTemperature: min, maxTemperature: max } = e;
  if (min === undefined && max === undefined) {
    out.push({
      field: 'maxTemperature',
      rule: 'temperature-required',
      message: 'Vul de laagste of hoogste gemeten temperatuur in.',
    });
  } else if (min !== undefined && max !== undefined && min > max) {
    out.push({
      field: 'minTemperature',
      rule: 'min-not-above-max',
      message: 'De laagste temperatuur ligt niet boven de hoogste.',
    });
  } else if (
    (min === undefined || min >= STORAGE_RANGE.min) &&
    (max === undefined || max <= STORAGE_RANGE.max)
  ) {
    out.push({
      field: max === undefined ? 'minTemperature' : 'maxTemperature',
      rule: 'outside-storage-range',
      message: `Binnen +${STORAGE_RANGE.min} °C … +${STORAGE_RANGE.max} °C is er geen koudeketenincident.`,
    });
  }
  if (e.durationMinutes === undefined) {
    out.push({
      field: 'durationMinutes',
      rule: 'duration-required',
      message: 'Vul in hoe lang de temperatuur buiten het bereik was.',
    });
  }
  return out;
}
