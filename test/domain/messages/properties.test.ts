import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS_SCHEMA,
  PERSONALISED_SCHEMA,
  buildAnonymousMessage,
  buildPersonalisedMessage,
  chooseMessage,
  isValidActivityId,
  newActivityId,
  personalFieldsIn,
  validateMessage,
  type ActivitySnapshot,
} from '../../../src/domain/messages/index.js';
import { bsnArb, consentArb, junkArb, snapshotArb } from './fixtures.js';

type Junk = Record<string, unknown>;

/**
 * The snapshot with junk attached to every object in it, including copies of the person's data
 * under tempting names (activity.bsn, vaccination.client, …).
 */
const pollutedArb = fc
  .tuple(
    snapshotArb(),
    fc.array(junkArb, { minLength: 8, maxLength: 8 }),
    fc.array(junkArb, { maxLength: 20 }),
  )
  .map(([s, junk, vaccinationJunk]): ActivitySnapshot => {
    const personal: Junk = {
      bsn: s.client.bsn,
      client: s.client,
      birthDate: s.client.birthDate,
      dossier: s.dossier,
    };
    const j = (i: number): Junk => junk[i] ?? {};
    return {
      ...j(0),
      consent: { date: s.client.birthDate, source: '03' },
      ...s,
      dossier: { ...j(1), bsn: s.client.bsn, ...s.dossier },
      client: {
        ...j(2),
        ...s.client,
        address: s.client.address === null ? null : { ...j(3), ...personal, ...s.client.address },
      },
      activity: { ...j(4), ...personal, ...s.activity },
      vaccinations: s.vaccinations.map((v, i) => ({ ...(vaccinationJunk[i] ?? {}), ...personal, ...v })),
    } as ActivitySnapshot;
  });

function personalValues(s: ActivitySnapshot): string[] {
  const values = [s.client.birthDate, s.dossier.number, s.client.givenName, s.client.familyName];
  if (s.client.bsn !== null) values.push(s.client.bsn);
  if (s.client.prefix !== null) values.push(s.client.prefix);
  return values;
}

describe('properties', () => {
  it('an anonymous message never carries a personal field', () => {
    fc.assert(
      fc.property(pollutedArb, (s) => {
        const message = buildAnonymousMessage(s);
        const json = JSON.stringify(message);
        expect(personalFieldsIn(JSON.parse(json))).toEqual([]);
        for (const value of personalValues(s)) expect(json).not.toContain(value);
        // Names and dossier numbers are drawn with markers that nothing else uses.
        expect(json).not.toMatch(/[Ω§]/);
        expect(Object.keys(message).sort()).toEqual(
          ['activity', 'dossierStatus', 'organisationUra', 'schema', 'vaccinations', 'version'].sort(),
        );
        expect(validateMessage(JSON.parse(json)).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("builders' outputs always validate, junk or not", () => {
    fc.assert(
      fc.property(fc.oneof(snapshotArb(bsnArb), pollutedArb), consentArb, (s, consent) => {
        const anonymousResult = validateMessage(JSON.parse(JSON.stringify(buildAnonymousMessage(s))));
        expect(anonymousResult).toMatchObject({ ok: true });
        if (s.client.bsn !== null) {
          const result = validateMessage(JSON.parse(JSON.stringify(buildPersonalisedMessage(s, consent))));
          expect(result.ok ? [] : result.errors).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('chooseMessage picks message 4 iff consent and a BSN', () => {
    fc.assert(
      fc.property(
        snapshotArb(),
        fc.constantFrom('toestemming' as const, 'geen-toestemming' as const),
        consentArb,
        fc.boolean(),
        (s, decision, consent, passConsent) => {
          const details = decision === 'toestemming' || passConsent ? consent : null;
          const message = chooseMessage(s, decision, details);
          const expected =
            decision === 'toestemming' && s.client.bsn !== null ? PERSONALISED_SCHEMA : ANONYMOUS_SCHEMA;
          expect(message.schema).toBe(expected);
          expect(message.activity.id).toBe(s.activity.id);
          expect(message.version).toBe(s.version);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('newActivityId is always valid, whatever the random source', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 10, maxLength: 10 }), (draws) => {
        let i = 0;
        const id = newActivityId(() => draws[i++] ?? 0);
        expect(id).toHaveLength(10);
        expect(isValidActivityId(id)).toBe(true);
      }),
    );
  });

  it('newActivityId never contains the BSN', () => {
    fc.assert(
      fc.property(bsnArb, (bsn) => {
        const id = newActivityId();
        expect(isValidActivityId(id)).toBe(true);
        expect(id).not.toContain(bsn);
        expect(bsn).not.toContain(id);
      }),
      { numRuns: 1000 },
    );
  });
});
