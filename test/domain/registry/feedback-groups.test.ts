import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refDaysOf } from '../../../src/bench/generate.js';
import { addDays } from '../../../src/domain/dates/index.js';
import { rvpSchedule } from '../../../src/domain/schedule/index.js';
import { generatePopulation } from '../../../src/demo/generator.js';
import {
  assessSchedule,
  judgeDoses,
  vaccineGroupsOf,
  type RegistryDose,
} from '../../../src/registry/schedule-service.js';
import { historyDoses } from '../../support/bench-fixtures.js';

// Intake feedback (R-R3) judges only the vaccine groups of the activity's vaccines (issue 8). That
// must give each of those doses exactly the validity a judgement of all groups gives.
function sameJudgement(
  person: { birthDate: string; gender: string },
  doses: RegistryDose[],
  activityId: string,
) {
  const mine = doses.filter((d) => d.activityId === activityId);
  const at = mine
    .map((d) => d.date)
    .sort()
    .at(-1)!;
  const assessment = assessSchedule(person, doses, at);
  const full = assessment.doses.filter((d) => d.activityId === activityId);
  const vaccineGroups = vaccineGroupsOf(mine.map((d) => d.vaccineType));
  const restricted = assessSchedule(person, doses, at, { vaccineGroups }).doses.filter(
    (d) => d.activityId === activityId,
  );
  expect(restricted.map((d) => d.validity)).toEqual(full.map((d) => d.validity));
  // The lean judgement (intake, coverage) gives every dose the assessment's validity, and with
  // `only` just the doses asked for.
  expect(judgeDoses(person, doses, at)).toEqual(assessment.doses.map((d) => d.validity));
  const only = judgeDoses(person, doses, at, { vaccineGroups, only: (d) => d.activityId === activityId });
  expect(only).toEqual(
    doses.map((d, i) => (d.activityId === activityId ? assessment.doses[i]!.validity : null)),
  );
  return full;
}

const codes = [...rvpSchedule.vaccineCodes.keys()];

describe('feedback judged on the activity’s vaccine groups only', () => {
  it('maps a vaccine code to the groups of its antigens', () => {
    const all = vaccineGroupsOf(codes);
    expect(all.length).toBeGreaterThan(3);
    for (const code of codes) {
      const groups = vaccineGroupsOf([code]);
      expect(groups.every((g) => all.includes(g))).toBe(true);
    }
    expect(vaccineGroupsOf(['no-such-code'])).toEqual([]);
  });

  it('equals the full judgement for every activity of generated histories', () => {
    const nation = { size: 150, seed: 91, referenceDate: '2025-09-01' };
    const refDays = refDaysOf(nation.referenceDate);
    let judged = 0;
    for (const p of generatePopulation(nation)) {
      const { visits, doses } = historyDoses(p, nation.seed, refDays);
      for (const v of visits)
        judged += sameJudgement({ birthDate: p.birthDate, gender: p.gender }, doses, v.activityId).length;
    }
    expect(judged).toBeGreaterThan(500);
  });

  it('equals the full judgement on random histories, invalid doses included (fast-check)', () => {
    let notValid = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 18 * 365 }),
        fc.constantFrom('1', '2'),
        fc.array(
          fc.record({ code: fc.constantFrom(...codes), day: fc.integer({ min: -30, max: 19 * 365 }) }),
          {
            minLength: 1,
            maxLength: 14,
          },
        ),
        fc.nat(13),
        (ageDays, gender, given, pick) => {
          const birthDate = addDays('2025-09-01', -ageDays);
          const doses: RegistryDose[] = given
            .map((g, i) => ({
              id: `d${i}`,
              organisationUra: '12345678',
              activityId: `A${i % 5}`,
              activityDate: addDays(birthDate, g.day),
              vaccineType: g.code,
              date: addDays(birthDate, g.day),
            }))
            .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
          const activityId = doses[pick % doses.length]!.activityId;
          const full = sameJudgement({ birthDate, gender }, doses, activityId);
          notValid += full.filter((d) => d.validity.status === 'Not Valid').length;
        },
      ),
      { numRuns: 400 },
    );
    expect(notValid).toBeGreaterThan(20); // the property saw invalid doses, not only valid ones
  });
});
