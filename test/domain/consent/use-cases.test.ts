import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateConsent, parseConsentCaseFile } from '../../../src/domain/consent/index.js';
import { FIXTURE_URL } from './builders.js';

// The nine Nictiz use cases (Functionele Eisen 2021 v1.4; seed 001 Bijlage 5), SPEC R-C4.
const cases = parseConsentCaseFile(JSON.parse(readFileSync(FIXTURE_URL, 'utf8')));

describe('Nictiz use cases (shared/fixtures/consent-use-cases.json)', () => {
  it('holds all nine cases', () => {
    expect(cases.map((c) => c.id)).toEqual(['uc1', 'uc2', 'uc3', 'uc4', 'uc5', 'uc6', 'uc7', 'uc8', 'uc9']);
  });

  it.each(cases.map((c) => [`${c.id}: ${c.title ?? ''}`, c] as const))('%s', (_name, c) => {
    const result = evaluateConsent(c, c.evaluationDate);
    expect(result.decision).toBe(c.expected);
    expect(result.path.length).toBeGreaterThan(0);
  });

  it('uc3: the withdrawn yes ends on the day the no starts (end date is exclusive)', () => {
    const uc3 = cases.find((c) => c.id === 'uc3');
    if (!uc3) throw new Error('uc3 missing');
    expect(evaluateConsent(uc3, '2021-06-30').decision).toBe('toestemming');
    expect(evaluateConsent(uc3, '2021-07-01').decision).toBe('geen-toestemming');
    const onThatDay = evaluateConsent(uc3, '2021-07-01');
    expect(onThatDay.activeRecords).toEqual([uc3.records[1]]);
    expect(onThatDay.ignoredRecords.map((i) => i.reason)).toEqual(['ended']);
  });

  it('uc5: a 04 yes waits for the other custodian', () => {
    const uc5 = cases.find((c) => c.id === 'uc5');
    if (!uc5) throw new Error('uc5 missing');
    const { path } = evaluateConsent(uc5, uc5.evaluationDate);
    expect(path.at(-1)?.answer).toMatch(/bron 04.*ook pieter moet akkoord geven/);
  });

  it('uc7: from 16 only the youth counts, the custodians are not even asked', () => {
    const uc7 = cases.find((c) => c.id === 'uc7');
    if (!uc7) throw new Error('uc7 missing');
    const result = evaluateConsent(uc7, uc7.evaluationDate);
    expect(result.ageBand).toBe('16-plus');
    expect(result.path.some((s) => s.question.includes('gezaghebbende bekend'))).toBe(false);
  });

  it('uc8/uc9: the legal representative decides while the youth is not competent, the youth after', () => {
    const uc8 = cases.find((c) => c.id === 'uc8');
    const uc9 = cases.find((c) => c.id === 'uc9');
    if (!uc8 || !uc9) throw new Error('uc8/uc9 missing');
    expect(evaluateConsent(uc8, uc8.evaluationDate).competent).toBe(false);
    expect(evaluateConsent(uc9, uc9.evaluationDate).competent).toBe(true);
    // Johan's 05 record does not end his 04 record: different capacities.
    expect(evaluateConsent(uc8, uc8.evaluationDate).activeRecords).toHaveLength(3);
  });
});
