import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/db/array-literal.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

// The intake sends its columns as array literals it makes itself (issue 8); the server must read
// back exactly the values given, whatever characters they hold.
describe.each(BACKENDS)('array literals on %s', (backend) => {
  let registry: TestDatabase<'registry'>;
  beforeAll(async () => {
    registry = await createTestDatabase(backend, 'registry');
  });
  afterAll(async () => {
    await registry?.drop();
  });

  const roundTrip = async (values: Array<string | null>) =>
    (
      await sql<{ v: Array<string | null> }>`select ${arrayLiteral(values)}::text[] as v`.execute(
        registry.database.db,
      )
    ).rows[0]!.v;

  it('reads back awkward strings and nulls as given', async () => {
    const awkward = ['', 'NULL', 'null', ' a b ', 'x,y', '{z}', 'q"uote', 'back\\slash', '\\"', 'ë€😀', null];
    expect(await roundTrip(awkward)).toEqual(awkward);
    expect(await roundTrip([])).toEqual([]);
    expect(await roundTrip(['plain', 'also plain'])).toEqual(['plain', 'also plain']);
  });

  it('reads back any strings (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.string({ unit: 'binary' }), { nil: null }), { maxLength: 8 }),
        async (values) => {
          // PostgreSQL text holds no NUL character.
          const given = values.map((v) => (v === null ? null : v.replaceAll('\u0000', '')));
          expect(await roundTrip(given)).toEqual(given);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('writes numbers, dates and json as their columns read them', async () => {
    const r = await sql<{ n: number[]; d: string[]; j: unknown[] }>`select
      ${arrayLiteral([1, 22, null])}::int[] as n,
      ${arrayLiteral(['2025-09-01'])}::date[]::text[] as d,
      ${arrayLiteral([JSON.stringify({ a: 'x"y\\z' })])}::jsonb[] as j`.execute(registry.database.db);
    expect(r.rows[0]).toEqual({ n: [1, 22, null], d: ['2025-09-01'], j: [{ a: 'x"y\\z' }] });
  });
});
