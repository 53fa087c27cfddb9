/**
 * Small deterministic randomness for the demo generator. Every person gets its own stream,
 * seeded from (seed, index, salt), so any person can be generated on its own and the first n
 * people do not depend on how many are generated in total.
 */

/** 32-bit avalanche mix (murmur3 finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes up to three integers into one 32-bit seed. */
export function hashSeed(a: number, b: number, c = 0): number {
  let h = fmix32((a ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ Math.imul(b >>> 0, 0x85ebca77) ^ Math.floor(b / 0x1_0000_0000)) >>> 0);
  return fmix32((h ^ Math.imul(c >>> 0, 0xc2b2ae3d)) >>> 0);
}

/** mulberry32: tiny, fast, good enough for synthetic data. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
