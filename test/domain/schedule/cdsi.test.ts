/**
 * The CDC CDSi "healthy childhood and adult" test cases (v4.45, 709 cases) through the engine, each as of
 * its own assessment date. A case passes when every dose's status (and reason, where given), the series
 * status and the forecast's earliest, recommended and past-due dates match. Known misses are listed
 * with the exact difference expected, and explained in docs/schedule.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compareCdsiCase,
  defaultCdsiRoot,
  loadCdsiSupportingData,
  parseCdsiCase,
  runCdsiCase,
  type CdsiCase,
  type CdsiMismatch,
  type ScheduleData,
} from '../../../src/domain/schedule/index.js';

const CASES_FILE = join(defaultCdsiRoot(), 'test-cases-healthy-v4.45-dev.ndjson');
const available = existsSync(CASES_FILE);

/**
 * Cases where several conditions fail at once and CDC names another reason than the first one in the
 * Logic Specification's order (age, interval, live virus conflict, vaccine). Status, series status and
 * dates match; only the named reason differs. See docs/schedule.md, "Remaining misses".
 */
const KNOWN_MISSES: Record<string, CdsiMismatch[]> = {
  '2013-0192': [{ field: 'dose 2 reason', expected: 'Interval: too Soon', actual: 'Age: Too Young' }],
  '2020-0001': [{ field: 'dose 2 reason', expected: 'Interval: too Soon', actual: 'Age: Too Young' }],
  '2013-0823': [{ field: 'dose 2 reason', expected: 'Live Virus Conflict', actual: 'Interval: Too Soon' }],
};

const cases: CdsiCase[] = available
  ? readFileSync(CASES_FILE, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => parseCdsiCase(JSON.parse(l)))
  : [];

describe.skipIf(!available)('CDC CDSi test cases (healthy, v4.45)', () => {
  let data: ScheduleData;
  beforeAll(async () => {
    data = await loadCdsiSupportingData();
  });

  it('holds the 709 cases', () => {
    expect(cases).toHaveLength(709);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const misses = compareCdsiCase(c, runCdsiCase(data, c));
    expect(misses).toEqual(KNOWN_MISSES[c.id] ?? []);
  });

  it('passes at least 706 of 709 (99.6%)', () => {
    const passed = cases.filter((c) => compareCdsiCase(c, runCdsiCase(data, c)).length === 0).length;
    process.stdout.write(
      `CDSi healthy test cases: ${passed}/${cases.length} pass (${((100 * passed) / cases.length).toFixed(1)}%)\n`,
    );
    expect(passed).toBeGreaterThanOrEqual(706);
  });
});
