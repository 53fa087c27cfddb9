import { randomInt } from 'node:crypto';
import { LIMITS } from './codes.js';

/**
 * Activity id (BDS 1377, "contactmoment-ID"): at most 10 alphanumerics, unique within the organisation
 * and not derivable from the person (seed 001 §3.14). It is what links a repair message, or a later
 * personalised message, to the earlier message about the same activity.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ACTIVITY_ID = /^[A-Za-z0-9]{1,10}$/;

export function isValidActivityId(value: unknown): value is string {
  return typeof value === 'string' && ACTIVITY_ID.test(value);
}

/**
 * A fresh activity id: ten characters drawn uniformly from [0-9A-Za-z] (62^10 ≈ 8·10^17 values).
 * Never derived from the person. `random`, if given, must return numbers in [0, 1) like Math.random
 * (for tests); by default node:crypto's randomInt is used.
 */
export function newActivityId(random?: () => number): string {
  let id = '';
  for (let i = 0; i < LIMITS.activityId; i++) {
    const index =
      random === undefined
        ? randomInt(ALPHABET.length)
        : Math.min(ALPHABET.length - 1, Math.max(0, Math.floor(random() * ALPHABET.length)));
    id += ALPHABET.charAt(Number.isNaN(index) ? 0 : index);
  }
  return id;
}
