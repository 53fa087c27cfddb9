import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase } from '../support/databases.js';

// Issue 8: new vaccinations get UUID version 7 ids (registry migration 016), so that inserts land at
// the right edge of the primary key instead of on a random page of a 37 M-row index.

/** The Unix milliseconds in a version-7 UUID's first 48 bits. */
const millisOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe.each(BACKENDS)('time-ordered vaccination ids (%s)', (backend) => {
  it('uuid_v7() is a version-7, variant-10 UUID carrying the time it was made', async () => {
    const test = await createTestDatabase(backend, 'registry');
    try {
      const ids: string[] = [];
      const before = Date.now();
      for (let i = 0; i < 5; i++) {
        const rows = await sql<{ id: string }>`select uuid_v7()::text as id
          from generate_series(1, 200)`.execute(test.database.db);
        ids.push(...rows.rows.map((r) => r.id));
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      const after = Date.now();
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        // The server's clock is this machine's: the time lies within the calls, give or take 1 ms.
        expect(millisOf(id)).toBeGreaterThanOrEqual(before - 1);
        expect(millisOf(id)).toBeLessThanOrEqual(after + 1);
      }
      // Made milliseconds apart, they sort in the order they were made.
      const firsts = [0, 200, 400, 600, 800].map((i) => ids[i]!);
      expect([...firsts].sort()).toEqual(firsts);
      expect(millisOf(firsts[4]!)).toBeGreaterThan(millisOf(firsts[0]!));
    } finally {
      await test.drop();
    }
  });

  it('is the default id of new personalised and anonymous vaccinations', async () => {
    const test = await createTestDatabase(backend, 'registry');
    try {
      const defaults = await sql<{ table_name: string; column_default: string }>`
        select table_name, column_default from information_schema.columns
        where column_name = 'id' and table_name in ('vaccination_event', 'anonymous_vaccination')
        order by table_name`.execute(test.database.db);
      expect(defaults.rows).toEqual([
        { table_name: 'anonymous_vaccination', column_default: 'uuid_v7()' },
        { table_name: 'vaccination_event', column_default: 'uuid_v7()' },
      ]);
    } finally {
      await test.drop();
    }
  });
});
