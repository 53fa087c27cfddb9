/**
 * The intake bench's garbage-collection figures (src/bench/measure.ts, observeGc): they compare code
 * across runs on a machine whose speed drifts, so they must count what the code allocates.
 */
import { describe, expect, it } from 'vitest';
import { observeGc } from '../../src/bench/measure.js';

function allocate(megabytes: number): number {
  let kept = 0;
  for (let i = 0; i < megabytes * 1024; i++) {
    const garbage = new Array<number>(120).fill(i); // about 1 kB, dead at once
    kept += garbage.length;
  }
  return kept;
}

describe('observeGc', () => {
  it('counts the scavenges allocation causes, and more for more allocation', async () => {
    const small = observeGc();
    allocate(64);
    const few = await small.stop();
    const large = observeGc();
    allocate(512);
    const many = await large.stop();
    expect(few.scavenges).toBeGreaterThan(0);
    expect(many.scavenges).toBeGreaterThan(few.scavenges);
    expect(many.pauseMs).toBeGreaterThan(0);
    expect(Number.isInteger(many.fullCollections)).toBe(true);
  });

  it('counts nothing once stopped', async () => {
    const counter = observeGc();
    const stopped = await counter.stop();
    const before = { ...stopped };
    allocate(128);
    expect(await counter.stop()).toEqual(before);
  });
});
