import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from '../support/postgres.js';

// deploy/postgresql/registry.conf is what operators include for a national registry (issue 8). A
// misspelt name or a value out of range makes PostgreSQL refuse to start, so every line is checked
// against the local server's own catalogue of settings (pg_settings), which is what it validates with.

const CONF = new URL('../../deploy/postgresql/registry.conf', import.meta.url);

/** `name = value` lines, without comments. */
function settingsOf(text: string): Array<{ name: string; value: string }> {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const match = /^([a-z_]+)\s*=\s*(\S+)$/.exec(line);
      if (!match) throw new Error(`not a setting: ${line}`);
      return { name: match[1]!, value: match[2]! };
    });
}

/** Bytes or seconds per unit PostgreSQL accepts in a value, and per unit pg_settings counts in. */
const UNIT: Record<string, number> = {
  B: 1,
  kB: 1024,
  '8kB': 8192,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  ms: 0.001,
  s: 1,
  min: 60,
  h: 3600,
  d: 86400,
};

describe('deploy/postgresql/registry.conf', () => {
  const settings = settingsOf(readFileSync(CONF, 'utf8'));

  it('keeps durability and autovacuum at their defaults', () => {
    const names = settings.map((s) => s.name);
    expect(names).toContain('shared_buffers');
    expect(names).toContain('max_wal_size');
    for (const kept of ['fsync', 'full_page_writes', 'synchronous_commit', 'autovacuum']) {
      expect(names).not.toContain(kept);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('names only settings this PostgreSQL has, with values it accepts', async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      for (const { name, value } of settings) {
        const row = (
          await client.query<{
            vartype: string;
            unit: string | null;
            min_val: string | null;
            max_val: string | null;
            enumvals: string[] | null;
          }>('select vartype, unit, min_val, max_val, enumvals from pg_settings where name = $1', [name])
        ).rows[0];
        expect(row, name).toBeDefined();
        if (row!.vartype === 'bool') expect(['on', 'off', 'true', 'false'], name).toContain(value);
        if (row!.vartype === 'enum') expect(row!.enumvals, name).toContain(value);
        if (row!.vartype === 'integer') {
          const match = /^(\d+)([a-zA-Z0-9]*)$/.exec(value);
          expect(match, `${name} = ${value}`).not.toBeNull();
          const [, amount, unit] = match!;
          expect(unit === '' || UNIT[unit!] !== undefined, `${name}: unit ${unit}`).toBe(true);
          // In pg_settings' unit, as the server compares it with min_val and max_val.
          const inServerUnits = unit
            ? (Number(amount) * UNIT[unit]!) / UNIT[row!.unit ?? 'B']!
            : Number(amount);
          expect(inServerUnits, name).toBeGreaterThanOrEqual(Number(row!.min_val));
          expect(inServerUnits, name).toBeLessThanOrEqual(Number(row!.max_val));
        }
      }
    } finally {
      await client.end();
    }
  });
});
