import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignSlots,
  inComparisonGroup,
  isEligible,
  reminderDue,
  slotTimes,
  uptake,
  type Invitee,
  type Slot,
} from '../../../src/domain/campaigns/index.js';

const slot = (id: string, over: Partial<Slot> = {}): Slot => ({
  id,
  locationId: 'L1',
  municipalityCode: 'GM0344',
  date: '2026-12-01',
  startTime: '09:00',
  capacity: 1,
  booked: 0,
  ...over,
});
const invitee = (personId: string, municipalityCode: string | null = 'GM0344'): Invitee => ({
  personId,
  municipalityCode,
});

describe('isEligible (booster 60+, catch-up bands)', () => {
  const on = '2026-12-01';
  it.each([
    ['turns 60 on the reference date', '1966-12-01', { minAge: 60 }, true],
    ['turns 60 the day after', '1966-12-02', { minAge: 60 }, false],
    ['91 with no upper bound', '1935-01-01', { minAge: 60 }, true],
    ['catch-up 12–17: 17', '2009-06-01', { minAge: 12, maxAge: 17 }, true],
    ['catch-up 12–17: 18', '2008-06-01', { minAge: 12, maxAge: 17 }, false],
    ['born after the reference date', '2027-01-01', { minAge: 0 }, false],
  ] as const)('%s', (_name, birthDate, criteria, expected) => {
    expect(isEligible({ personId: 'p', birthDate, municipalityCode: 'GM0344' }, criteria, on)).toBe(expected);
  });
  it('excludes the deceased and emigrated, and other municipalities when named', () => {
    const base = { personId: 'p', birthDate: '1950-01-01', municipalityCode: 'GM0344' };
    expect(isEligible({ ...base, deceasedOn: '2026-01-01' }, { minAge: 60 }, on)).toBe(false);
    expect(isEligible({ ...base, emigratedOn: '2025-01-01' }, { minAge: 60 }, on)).toBe(false);
    expect(isEligible(base, { minAge: 60, municipalityCodes: ['GM0363'] }, on)).toBe(false);
    expect(isEligible(base, { minAge: 60, municipalityCodes: ['GM0363', 'GM0344'] }, on)).toBe(true);
  });
});

describe('assignSlots', () => {
  it.each([
    {
      name: 'fills the earliest slot first, then the next',
      invitees: [invitee('a'), invitee('b'), invitee('c')],
      slots: [slot('late', { startTime: '10:00', capacity: 2 }), slot('early', { capacity: 1 })],
      expected: { a: 'early', b: 'late', c: 'late' },
      unassigned: [],
    },
    {
      name: 'prefers a slot in the own municipality over an earlier one elsewhere',
      invitees: [invitee('a', 'GM0363')],
      slots: [
        slot('utrecht', { municipalityCode: 'GM0344' }),
        slot('amsterdam', { municipalityCode: 'GM0363', startTime: '11:00' }),
      ],
      expected: { a: 'amsterdam' },
      unassigned: [],
    },
    {
      name: 'counts what a slot already holds and leaves the rest without an appointment',
      invitees: [invitee('a'), invitee('b')],
      slots: [slot('s', { capacity: 2, booked: 1 })],
      expected: { a: 's' },
      unassigned: ['b'],
    },
    {
      name: 'one appointment for a person named twice; none for someone already assigned',
      invitees: [invitee('a'), invitee('a'), invitee('x')],
      slots: [slot('s', { capacity: 5 })],
      expected: { a: 's' },
      unassigned: [],
      already: ['x'],
    },
  ])('$name', ({ invitees, slots, expected, unassigned, already }) => {
    const result = assignSlots(invitees, slots, new Set(already ?? []));
    expect(Object.fromEntries(result.assignments.map((a) => [a.personId, a.slotId]))).toEqual(expected);
    expect(result.unassigned).toEqual(unassigned);
  });

  const slotsArb = fc.uniqueArray(
    fc.record({
      id: fc.uuid(),
      locationId: fc.constantFrom('L1', 'L2', 'L3'),
      municipalityCode: fc.constantFrom('GM0344', 'GM0363', null),
      date: fc.constantFrom('2026-12-01', '2026-12-02'),
      startTime: fc.constantFrom('09:00', '09:15', '10:00'),
      capacity: fc.integer({ min: 0, max: 4 }),
      booked: fc.integer({ min: 0, max: 4 }),
    }),
    { selector: (s) => s.id, maxLength: 12 },
  );
  const inviteesArb = fc.array(
    fc.record({
      personId: fc.constantFrom(...'abcdefghijklmnopqrst'.split('')),
      municipalityCode: fc.constantFrom('GM0344', 'GM0363', null),
    }),
    { maxLength: 40 },
  );

  it('never exceeds a slot’s free capacity, and gives each person at most one slot', () => {
    fc.assert(
      fc.property(inviteesArb, slotsArb, (invitees, slots) => {
        const { assignments, unassigned } = assignSlots(invitees, slots);
        const perSlot = new Map<string, number>();
        for (const a of assignments) perSlot.set(a.slotId, (perSlot.get(a.slotId) ?? 0) + 1);
        for (const s of slots)
          expect(perSlot.get(s.id) ?? 0).toBeLessThanOrEqual(Math.max(0, s.capacity - s.booked));
        const people = [...assignments.map((a) => a.personId), ...unassigned];
        expect(new Set(people).size).toBe(people.length);
        // Everybody is accounted for, exactly once.
        expect(new Set(people)).toEqual(new Set(invitees.map((i) => i.personId)));
      }),
    );
  });

  it('leaves nobody without a slot while a slot still has room', () => {
    fc.assert(
      fc.property(inviteesArb, slotsArb, (invitees, slots) => {
        const { assignments, unassigned } = assignSlots(invitees, slots);
        const free = slots.reduce((n, s) => n + Math.max(0, s.capacity - s.booked), 0);
        if (unassigned.length > 0) expect(assignments.length).toBe(free);
      }),
    );
  });
});

describe('comparison group, slots, uptake, reminders', () => {
  it('splits deterministically and near the requested share', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `person-${i}`);
    const chosen = ids.filter((id) => inComparisonGroup(id, 'campaign-1', 0.2));
    expect(chosen.length / ids.length).toBeGreaterThan(0.17);
    expect(chosen.length / ids.length).toBeLessThan(0.23);
    expect(ids.filter((id) => inComparisonGroup(id, 'campaign-1', 0.2))).toEqual(chosen);
    expect(ids.some((id) => inComparisonGroup(id, 'c', 0))).toBe(false);
    expect(ids.every((id) => inComparisonGroup(id, 'c', 1))).toBe(true);
  });

  it('lays slots over the opening hours', () => {
    expect(slotTimes('09:00', '10:00', 20)).toEqual(['09:00', '09:20', '09:40']);
    expect(slotTimes('13:30', '13:30', 15)).toEqual([]);
  });

  it('reports attended / invited per group, cancelled invitations included', () => {
    const report = uptake([
      { group: 'appointment', attended: true },
      { group: 'appointment', attended: true },
      { group: 'appointment', attended: false },
      { group: 'appointment', attended: true },
      { group: 'plain', attended: true },
      { group: 'plain', attended: false },
    ]);
    expect(report.groups).toEqual([
      { group: 'appointment', invited: 4, attended: 3, uptake: 0.75 },
      { group: 'plain', invited: 2, attended: 1, uptake: 0.5 },
    ]);
    expect(report.difference).toBeCloseTo(0.25);
    expect(uptake([]).difference).toBeNull();
  });

  it.each([
    ['2026-12-04', '2026-12-01', 3, true],
    ['2026-12-05', '2026-12-01', 3, false],
    ['2026-11-30', '2026-12-01', 3, false],
    ['2026-12-01', '2026-12-01', 0, true],
  ] as const)('reminder for %s on %s, %i days before: %s', (date, today, days, due) => {
    expect(reminderDue(date, today, days)).toBe(due);
  });
});
