import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { custodiansOf, type RelationKind } from '../../../src/domain/consent/index.js';

const rel = (personId: string, relation: RelationKind, hasCustody: boolean) => ({
  personId,
  relation,
  hasCustody,
});

describe('custodiansOf (who counts as custodian for 03/04)', () => {
  it.each([
    ['no relations', [], []],
    ['a parent with custody', [rel('a', 'parent', true)], ['a']],
    ['a parent without custody', [rel('a', 'parent', false)], []],
    ['a guardian with custody', [rel('g', 'guardian', true)], ['g']],
    ['a legal representative with custody', [rel('r', 'legal-representative', true)], []],
    [
      'a parent with custody who is also legal representative',
      [rel('a', 'parent', true), rel('a', 'legal-representative', false)],
      ['a'],
    ],
    [
      'custody on the representative row of a parent',
      [rel('a', 'legal-representative', true), rel('a', 'parent', false)],
      ['a'],
    ],
    [
      'two parents, first appearance order',
      [rel('b', 'parent', true), rel('a', 'parent', true), rel('b', 'guardian', true)],
      ['b', 'a'],
    ],
  ])('%s', (_label, relations, expected) => {
    expect(custodiansOf(relations)).toEqual(expected);
  });

  it('is custody on any row, unless every row is a legal representation (any order)', () => {
    const row = fc.record({
      personId: fc.constantFrom('a', 'b', 'c'),
      relation: fc.constantFrom<RelationKind>('parent', 'guardian', 'legal-representative'),
      hasCustody: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (relations) => {
        const got = custodiansOf(relations);
        for (const id of ['a', 'b', 'c']) {
          const own = relations.filter((r) => r.personId === id);
          const expected =
            own.some((r) => r.hasCustody) && own.some((r) => r.relation !== 'legal-representative');
          expect(got.includes(id)).toBe(expected);
        }
        expect(new Set(got).size).toBe(got.length);
        expect(new Set(custodiansOf([...relations].reverse()))).toEqual(new Set(got));
      }),
    );
  });
});
