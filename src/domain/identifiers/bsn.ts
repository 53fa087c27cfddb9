/**
 * Citizen service number (BSN): nine digits that pass the "11-check"
 * 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11), and not all zeros.
 */

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1] as const;

export function isValidBsn(value: string): boolean {
  if (value.length !== 9) return false;
  let sum = 0;
  let nonZero = false;
  for (let i = 0; i < 9; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (d !== 0) nonZero = true;
    sum += (WEIGHTS[i] as number) * d;
  }
  return nonZero && ((sum % 11) + 11) % 11 === 0;
}

/*
 * makeBsn maps an index onto a valid BSN without keeping a set of issued numbers.
 * A "block" is the first seven digits d1..d7 (d1 ≠ 0, so 9·10^6 blocks). For a fixed block,
 * each d8 gives residue r = S7 + 2·d8 (mod 11); d8 is usable when r ≠ 10, and then d9 = r.
 * 2 is invertible mod 11, so at most one d8 per block is unusable: every block has at least
 * nine usable d8 values ("slots"). Index n → slot ⌊n / BLOCKS⌋ of block π(n mod BLOCKS), where
 * π is a fixed permutation of the blocks, so consecutive indices give unrelated-looking numbers.
 */
const BLOCKS = 9_000_000;
const SLOTS = 9;

/** Number of distinct BSNs makeBsn can produce (indices 0 … BSN_CAPACITY − 1). */
export const BSN_CAPACITY = BLOCKS * SLOTS;

const ROUND_KEYS = [0x3c9, 0xa57, 0x1e2, 0xd84] as const;

/** 4-round Feistel permutation of [0, 2^24) on two 12-bit halves. */
function feistel24(x: number): number {
  let left = x >>> 12;
  let right = x & 0xfff;
  for (const key of ROUND_KEYS) {
    const f = (Math.imul(right ^ key, 0x9e3779b1) >>> 19) & 0xfff;
    const next = left ^ f;
    left = right;
    right = next;
  }
  return (left << 12) | right;
}

/** Bijection of [0, BLOCKS): cycle-walk the 2^24 permutation until it lands inside the range. */
function permuteBlock(block: number): number {
  let y = feistel24(block);
  while (y >= BLOCKS) y = feistel24(y);
  return y;
}

/** Deterministic and injective: distinct indices in [0, BSN_CAPACITY) give distinct valid BSNs. */
export function makeBsn(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index >= BSN_CAPACITY) {
    throw new RangeError(`BSN index out of range: ${index}`);
  }
  const slot = Math.floor(index / BLOCKS);
  const prefix = 1_000_000 + permuteBlock(index % BLOCKS); // d1..d7, d1 in 1..9
  let s7 = 0;
  let rest = prefix;
  for (let w = 3; w <= 9; w++) {
    s7 += w * (rest % 10);
    rest = Math.floor(rest / 10);
  }
  let seen = 0;
  for (let d8 = 0; d8 <= 9; d8++) {
    const r = (s7 + 2 * d8) % 11;
    if (r === 10) continue;
    if (seen === slot) return `${prefix}${d8}${r}`;
    seen++;
  }
  // Unreachable: every block has at least nine usable d8 values.
  throw new Error('unreachable');
}

/** Alias of makeBsn: a valid BSN from an integer seed. */
export const bsnFromSeed = makeBsn;
