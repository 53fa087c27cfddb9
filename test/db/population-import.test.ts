/**
 * Population import (R-R1) on both backends: the NDJSON and CSV fixtures (valid rows, every kind of
 * refused row, moves, deaths, emigrations), the validation report, resuming after a crash (every row
 * applied exactly once), a completed file not applied twice, a row the database rejects refused whole,
 * random garbage never throwing or half-writing, and the `rvp registry import` command.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRegistryCommands, runRegistryImport, type CliIo } from '../../src/cli/registry.js';
import { openDatabase } from '../../src/db/database.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import {
  ImportConflictError,
  importPopulation,
  PopulationFileError,
  withPopulationTables,
} from '../../src/registry/population-import.js';
import type { RegistrySchema } from '../../src/registry/schema.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

const TODAY = '2025-11-20';
const FIXTURES = fileURLToPath(new URL('../fixtures/population/', import.meta.url));
const NDJSON = join(FIXTURES, 'extract.ndjson');
const CSV = join(FIXTURES, 'extract.csv');

/** The refusals the NDJSON fixture must produce: line → rule (field). */
const NDJSON_REFUSALS: [line: number, field: string, rule: string][] = [
  [6, 'bsn', 'bsn-11-check'],
  [7, 'postcode', 'postcode'],
  [8, 'municipalityCode', 'municipality-unknown'],
  [9, 'birthDate', 'date-invalid'],
  [10, 'familyName', 'required'],
  [11, 'line', 'json-invalid'],
  [12, 'nickname', 'unknown-field'],
  [13, 'kind', 'kind-unknown'],
  [14, 'custodians[0].bsn', 'bsn-11-check'],
  [19, 'bsn', 'unknown-bsn'],
  [20, 'date', 'date-future'],
  [21, 'givenName', 'field-not-allowed'],
  [22, 'source', 'brp-takes-precedence'],
  [23, 'bsn', 'deceased'],
  [25, 'birthDate', 'date-future'],
];

const personRecord = (bsn: string, extra: Record<string, unknown> = {}) => ({
  kind: 'person',
  bsn,
  source: 'brp',
  givenName: 'Test',
  familyName: 'Persoon',
  gender: '1',
  birthDate: '2014-05-05',
  postcode: '3511AB',
  city: 'Utrecht',
  municipalityCode: 'GM0344',
  ...extra,
});

let bsnCounter = 0;
/** Fresh, valid BSNs not used by the fixtures. */
const freshBsn = (): string => makeBsn(5_000_000 + bsnCounter++);

async function readPerson(db: Kysely<RegistrySchema>, bsn: string) {
  return db.selectFrom('person').selectAll().where('bsn', '=', bsn).executeTakeFirst();
}

async function custodiansOf(db: Kysely<RegistrySchema>, bsn: string): Promise<string[]> {
  const rows = await withPopulationTables(db)
    .selectFrom('person_custodian as c')
    .innerJoin('person as p', 'p.id', 'c.person_id')
    .select('c.custodian_bsn')
    .where('p.bsn', '=', bsn)
    .orderBy('c.custodian_bsn')
    .execute();
  return rows.map((r) => r.custodian_bsn);
}

async function personCount(db: Kysely<RegistrySchema>): Promise<number> {
  const row = await db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(BACKENDS)('population import (R-R1) on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let db: Kysely<RegistrySchema>;
  let dir: string;

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    db = test.database.db;
    dir = await mkdtemp(join(tmpdir(), 'rvp-population-'));
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('the NDJSON fixture', () => {
    it('applies the valid rows, refuses each invalid one by line, field and rule, and reports them', async () => {
      const reportPath = join(dir, 'ndjson.report.csv');
      const result = await importPopulation(db, NDJSON, { today: TODAY, batchSize: 4, reportPath });
      expect(result).toMatchObject({
        status: 'completed',
        format: 'ndjson',
        applied: 9,
        refused: NDJSON_REFUSALS.length,
        skipped: 0,
        resumedFromLine: null,
        appliedByKind: { person: 5, move: 2, death: 1, emigration: 1 },
        organisationChanges: 1,
        totals: { applied: 9, refused: NDJSON_REFUSALS.length },
        reportPath,
      });
      const refused = await withPopulationTables(db)
        .selectFrom('import_refused_row')
        .select(['line', 'field', 'rule', 'message'])
        .where('run_id', '=', result.runId)
        .orderBy('line')
        .orderBy('id')
        .execute();
      expect(refused.map((r) => [r.line, r.field, r.rule])).toEqual(NDJSON_REFUSALS);
      // The report holds no personal data: no BSN or name from the refused rows.
      const report = await readFile(reportPath, 'utf8');
      const lines = report.trim().split('\n');
      expect(lines[0]).toBe('line,field,rule,message');
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual(
        NDJSON_REFUSALS.map(([line, field, rule]) => [String(line), field, rule]),
      );
      expect(report).not.toMatch(/949257503|123456789|Gezag|Toekomst/);
      expect(result.totals.byRule).toMatchObject({ 'bsn-11-check': 2, 'date-future': 2, 'unknown-bsn': 1 });
    });

    it('wrote persons, custodians, moves, deaths and emigrations', async () => {
      const noor = await readPerson(db, '557071501');
      expect(noor).toMatchObject({
        source: 'brp',
        given_name: 'Noor',
        name_prefix: 'de',
        family_name: 'Vries',
        gender: '2',
        birth_date: '2015-03-02',
        // moved (line 15) from Utrecht to Amsterdam; the coa record (line 22) and the future death refused
        street: 'Damrak',
        house_number: 5,
        house_letter: null,
        postcode: '1012LG',
        city: 'Amsterdam',
        municipality_code: 'GM0363',
        deceased_on: null,
        emigrated_on: null,
      });
      expect(await custodiansOf(db, '557071501')).toEqual(['164920407', '522093802']);
      // COA first, then the BRP snapshot (line 24) replaced it: postcode normalised.
      expect(await readPerson(db, '743595208')).toMatchObject({
        source: 'brp',
        name_prefix: 'el',
        street: 'Kalverstraat',
        house_number: 100,
        postcode: '1012NX',
      });
      expect(await readPerson(db, '643131000')).toMatchObject({
        street: 'Maliebaan',
        house_number: 40,
        house_number_addition: null,
        municipality_code: 'GM0344',
        emigrated_on: '2025-09-01',
      });
      expect(await readPerson(db, '209137204')).toMatchObject({
        deceased_on: '2025-01-05',
        emigrated_on: null,
      });
      expect(await readPerson(db, '949257503')).toBeUndefined();
      expect(await readPerson(db, '123456789')).toBeUndefined();
      // Municipalities the rows needed were added to the reference table.
      const codes = await db.selectFrom('municipality').select('code').orderBy('code').execute();
      expect(codes.map((c) => c.code)).toEqual(expect.arrayContaining(['GM0344', 'GM0363', 'GM0599']));
      // One audit entry per batch (7 batches of 4 non-blank rows, the last one completing the run).
      const audit = await db
        .selectFrom('audit_event')
        .select('action')
        .where('subject_type', '=', 'import-run')
        .execute();
      expect(audit.filter((a) => a.action === 'population.import.completed')).toHaveLength(1);
      expect(audit.length).toBeGreaterThanOrEqual(6);
    });

    it('does not apply a completed file twice, even under another name', async () => {
      const before = await readPerson(db, '557071501');
      const copy = join(dir, 'renamed.jsonl');
      await writeFile(copy, await readFile(NDJSON));
      const again = await importPopulation(db, copy, { today: TODAY });
      expect(again).toMatchObject({
        status: 'already-completed',
        applied: 0,
        refused: 0,
        skipped: 9 + NDJSON_REFUSALS.length,
        totals: { applied: 9, refused: NDJSON_REFUSALS.length },
      });
      expect(await readPerson(db, '557071501')).toEqual(before);
      const runs = await withPopulationTables(db).selectFrom('import_run').select('id').execute();
      expect(runs.filter((r) => r.id === again.runId)).toHaveLength(1);
    });
  });

  describe('the CSV fixture', () => {
    it('reads quoted fields (commas, doubled quotes), refuses broken rows, applies moves and deaths', async () => {
      const result = await importPopulation(db, CSV, { today: TODAY });
      expect(result).toMatchObject({
        status: 'completed',
        format: 'csv',
        applied: 4,
        refused: 5,
        appliedByKind: { person: 2, move: 1, death: 1, emigration: 0 },
        organisationChanges: 1,
      });
      const refused = await withPopulationTables(db)
        .selectFrom('import_refused_row')
        .select(['line', 'field', 'rule'])
        .where('run_id', '=', result.runId)
        .orderBy('line')
        .execute();
      expect(refused.map((r) => [r.line, r.field, r.rule])).toEqual([
        [4, 'line', 'csv-quote'],
        [5, 'line', 'csv-columns'],
        [6, 'bsn', 'bsn-11-check'],
        [9, 'bsn', 'unknown-bsn'],
        [10, 'date', 'field-not-allowed'],
      ]);
      expect(await readPerson(db, '745739908')).toMatchObject({
        given_name: 'Jan',
        name_prefix: 'van der',
        family_name: 'Berg',
        street: 'Damrak',
        municipality_code: 'GM0363',
      });
      expect(await custodiansOf(db, '745739908')).toEqual(['164920407', '522093802']);
      expect(await readPerson(db, '197088211')).toMatchObject({
        source: 'coa',
        given_name: 'Fatima "Tima"',
        deceased_on: '2025-02-02',
      });
    });

    it('refuses a file it cannot read or whose header it does not know, importing nothing', async () => {
      await expect(importPopulation(db, join(dir, 'missing.csv'), { today: TODAY })).rejects.toBeInstanceOf(
        PopulationFileError,
      );
      const bad = join(dir, 'bad-header.csv');
      await writeFile(bad, 'kind,bsn,voornaam\nperson,557071501,Noor\n');
      await expect(importPopulation(db, bad, { today: TODAY })).rejects.toThrow(/unknown column "voornaam"/);
      const runs = await withPopulationTables(db).selectFrom('import_run').select('file_name').execute();
      expect(runs.map((r) => r.file_name)).not.toContain('bad-header.csv');
    });
  });

  describe('crash and resume', () => {
    /** 40 persons, then a move for each of the first 10, a death for two, some invalid rows in between. */
    function bigExtract() {
      const bsns = Array.from({ length: 40 }, freshBsn);
      const lines: string[] = [];
      bsns.forEach((bsn, i) => {
        lines.push(
          JSON.stringify(personRecord(bsn, { givenName: `Kind${i}`, custodians: [{ bsn: freshBsn() }] })),
        );
        if (i % 9 === 4) lines.push(JSON.stringify(personRecord('123456789')));
        if (i % 13 === 6) lines.push('');
      });
      for (const bsn of bsns.slice(0, 10)) {
        lines.push(
          JSON.stringify({
            kind: 'move',
            bsn,
            date: '2025-04-01',
            municipalityCode: 'GM0363',
            postcode: '1011AB',
          }),
        );
      }
      lines.push(JSON.stringify({ kind: 'death', bsn: bsns[11], date: '2025-05-05' }));
      lines.push(JSON.stringify({ kind: 'death', bsn: bsns[12], date: '2025-05-05' }));
      lines.push('garbage');
      const valid = 40 + 10 + 2;
      const refused = lines.filter((l) => l.includes('123456789') || l === 'garbage').length;
      return { bsns, content: lines.join('\n') + '\n', valid, refused };
    }

    it('a crash after a committed batch: the rerun continues after it, every row applied exactly once', async () => {
      const { bsns, content, valid, refused } = bigExtract();
      const before = await personCount(db);
      const crash = new Error('simulated crash');
      await expect(
        importPopulation(
          db,
          { content, name: 'big.ndjson' },
          {
            today: TODAY,
            batchSize: 7,
            hooks: {
              afterBatchCommitted: (info) => {
                if (info.batch === 3) throw crash;
              },
            },
          },
        ),
      ).rejects.toBe(crash);
      const run = await withPopulationTables(db)
        .selectFrom('import_run')
        .selectAll()
        .where('file_name', '=', 'big.ndjson')
        .executeTakeFirstOrThrow();
      expect(run).toMatchObject({ status: 'running', batches: 3 });
      expect(run.applied + run.refused).toBe(21);
      expect(await personCount(db)).toBe(before + run.applied);

      const resumed = await importPopulation(
        db,
        { content, name: 'big.ndjson' },
        { today: TODAY, batchSize: 5 },
      );
      expect(resumed.status).toBe('completed');
      expect(resumed.runId).toBe(run.id);
      expect(resumed.resumedFromLine).toBe(run.last_committed_line + 1);
      expect(resumed.skipped).toBe(21);
      expect(run.applied + resumed.applied).toBe(valid);
      expect(run.refused + resumed.refused).toBe(refused);
      expect(resumed.totals).toMatchObject({ applied: valid, refused });
      expect(await personCount(db)).toBe(before + 40);
      // Each refused line is reported once, not once per attempt.
      const lines = await withPopulationTables(db)
        .selectFrom('import_refused_row')
        .select('line')
        .where('run_id', '=', run.id)
        .execute();
      expect(new Set(lines.map((l) => l.line)).size).toBe(lines.length);
      expect(lines).toHaveLength(refused);
      for (const bsn of bsns.slice(0, 10))
        expect((await readPerson(db, bsn))?.municipality_code).toBe('GM0363');
      expect((await readPerson(db, bsns[11]!))?.deceased_on).toBe('2025-05-05');
      expect((await readPerson(db, bsns[20]!))?.municipality_code).toBe('GM0344');
      expect(await custodiansOf(db, bsns[0]!)).toHaveLength(1);

      const third = await importPopulation(db, { content }, { today: TODAY });
      expect(third).toMatchObject({ status: 'already-completed', applied: 0, skipped: valid + refused });
    });

    it('a crash inside a batch rolls that batch back entirely', async () => {
      const { content, valid } = bigExtract();
      const before = await personCount(db);
      await expect(
        importPopulation(
          db,
          { content, name: 'rollback.ndjson' },
          {
            today: TODAY,
            batchSize: 10,
            hooks: {
              beforeBatchCommit: (info) => {
                if (info.batch === 2) throw new Error('power cut');
              },
            },
          },
        ),
      ).rejects.toThrow('power cut');
      const first = await withPopulationTables(db)
        .selectFrom('import_run')
        .selectAll()
        .where('file_name', '=', 'rollback.ndjson')
        .executeTakeFirstOrThrow();
      expect(first).toMatchObject({ batches: 1, status: 'running' });
      expect(first.applied + first.refused).toBe(10);
      expect(await personCount(db)).toBe(before + first.applied);
      const resumed = await importPopulation(db, { content }, { today: TODAY, batchSize: 10 });
      expect(first.applied + resumed.applied).toBe(valid);
      expect(await personCount(db)).toBe(before + 40);
    });

    it('refuses to continue when another import of the same file moved the run on', async () => {
      const { content } = bigExtract();
      const pdb = withPopulationTables(db);
      await expect(
        importPopulation(
          db,
          { content },
          {
            today: TODAY,
            batchSize: 10,
            hooks: {
              afterBatchCommitted: async (info) => {
                if (info.batch === 1) {
                  await pdb
                    .updateTable('import_run')
                    .set((eb) => ({ last_committed_line: eb('last_committed_line', '+', 1) }))
                    .where('id', '=', info.runId)
                    .execute();
                }
              },
            },
          },
        ),
      ).rejects.toBeInstanceOf(ImportConflictError);
    });
  });

  it('a row the database rejects is refused whole: no person without its custodians', async () => {
    // A database-side rule the validator does not know: this custodian BSN cannot be stored.
    const blocked = freshBsn();
    await sql
      .raw(
        `create function refuse_custodian() returns trigger language plpgsql as $$
         begin if new.custodian_bsn = '${blocked}' then raise exception 'refused by test'; end if; return new; end $$;
         create trigger refuse_custodian before insert on person_custodian for each row execute function refuse_custodian();`,
      )
      .execute(db);
    try {
      const [ok, rejected] = [freshBsn(), freshBsn()];
      const content = [
        JSON.stringify(personRecord(ok)),
        JSON.stringify(personRecord(rejected, { custodians: [{ bsn: blocked }] })),
        JSON.stringify({ kind: 'death', bsn: rejected, date: '2025-01-01' }),
      ].join('\n');
      const result = await importPopulation(db, { content }, { today: TODAY });
      expect(result).toMatchObject({ applied: 1, refused: 2 });
      expect(await readPerson(db, ok)).toBeDefined();
      expect(await readPerson(db, rejected)).toBeUndefined();
      expect(result.totals.byRule).toEqual({ 'database-rejected': 1, 'unknown-bsn': 1 });
    } finally {
      await sql
        .raw('drop trigger refuse_custodian on person_custodian; drop function refuse_custodian();')
        .execute(db);
    }
  });

  it('random garbage lines never throw out of importPopulation and never half-write', async () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(
        '{',
        '[]',
        'null',
        '"x"',
        '{}',
        '{"kind":null}',
        '\u0000',
        '﻿',
        'a,b,"c',
        '{"__proto__":{}}',
      ),
      fc
        .dictionary(
          fc.constantFrom(
            'kind',
            'bsn',
            'source',
            'givenName',
            'birthDate',
            'custodians',
            'date',
            'municipalityCode',
            'x',
          ),
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.integer(),
            fc.constant(null),
            fc.array(fc.anything(), { maxLength: 2 }),
          ),
        )
        .map((o) => JSON.stringify(o)),
      // A valid person with one field made invalid: refused whole, so never in the database.
      fc
        .constantFrom(
          { birthDate: '2015-02-29' },
          { postcode: '0000AA' },
          { municipalityCode: 'GM0000' },
          { gender: '7' },
          { custodians: [{ bsn: '123456789' }] },
          { givenName: 'x'.repeat(201) },
          { familyName: 'a\u0000b' },
          { houseNumber: -1 },
          { source: 'gba' },
        )
        .map((bad) => JSON.stringify(personRecord('BSN-PLACEHOLDER', bad))),
    );
    const line = fc.oneof(
      { weight: 1, arbitrary: fc.constant<'valid'>('valid') },
      { weight: 3, arbitrary: garbage },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 25 }), async (template) => {
        // A fresh valid person first, so every generated file is new content.
        const validBsns: string[] = [freshBsn()];
        const invalidBsns: string[] = [];
        const lines = [JSON.stringify(personRecord(validBsns[0]!))];
        for (const entry of template) {
          if (entry === 'valid') {
            const bsn = freshBsn();
            validBsns.push(bsn);
            lines.push(JSON.stringify(personRecord(bsn, { custodians: [{ bsn: freshBsn() }] })));
          } else if (entry.includes('BSN-PLACEHOLDER')) {
            const bsn = freshBsn();
            invalidBsns.push(bsn);
            lines.push(entry.replace('BSN-PLACEHOLDER', bsn));
          } else {
            lines.push(entry.replace(/\r?\n/g, ' '));
          }
        }
        const content = lines.join('\n');
        const before = await personCount(db);
        const result = await importPopulation(
          db,
          { content },
          { today: TODAY, batchSize: 4, format: 'ndjson' },
        );
        const nonBlank = lines.filter((l) => l.replace(/^\ufeff/, '').trim() !== '').length;
        expect(result.status).toBe('completed');
        expect(result.applied + result.refused).toBe(nonBlank);
        expect(result.applied).toBe(validBsns.length);
        expect(await personCount(db)).toBe(before + validBsns.length);
        for (const bsn of invalidBsns) expect(await readPerson(db, bsn)).toBeUndefined();
        for (const bsn of validBsns.slice(1)) expect(await custodiansOf(db, bsn)).toHaveLength(1);
      }),
      { numRuns: 25 },
    );
  });

  describe('rvp registry import', () => {
    const capture = (): CliIo & { lines: string[]; errors: string[] } => {
      const lines: string[] = [];
      const errors: string[] = [];
      return {
        lines,
        errors,
        out: (l) => lines.push(l),
        err: (l) => errors.push(l),
        tty: false,
        stream: process.stderr,
        env:
          backend === 'postgres'
            ? { ...process.env, REGISTRY_DATABASE_URL: test.url! }
            : { ...process.env, REGISTRY_DATABASE_URL: '' },
      };
    };
    const dataDir = () => join(dir, 'cli-data');

    it('imports a file, prints the summary and the report path; exit 0 even with refused rows', async () => {
      const file = join(dir, 'cli.csv');
      const bsn = freshBsn();
      await writeFile(
        file,
        `kind,bsn,source,givenName,familyName,gender,birthDate,municipalityCode\nperson,${bsn},brp,Kim,Smit,2,2014-01-01,GM0344\nperson,123456789,brp,X,Y,1,2014-01-01,GM0344\n`,
      );
      const io = capture();
      const code = await runRegistryImport(file, { dataDir: dataDir(), today: TODAY }, io);
      expect(io.errors.filter((e) => !e.startsWith('import:'))).toEqual([]);
      expect(code).toBe(0);
      expect(io.lines.join('\n')).toMatch(/applied 1 \(person 1, move 0, death 0, emigration 0\), refused 1/);
      expect(io.lines.join('\n')).toContain(`report: ${file}.report.csv`);
      expect(await readFile(`${file}.report.csv`, 'utf8')).toContain('3,bsn,bsn-11-check');

      const again = capture();
      expect(await runRegistryImport(file, { dataDir: dataDir(), today: TODAY }, again)).toBe(0);
      expect(again.lines.join('\n')).toMatch(/already imported completely/);

      // The imported person is in the database the command used.
      if (backend === 'postgres') {
        expect(await readPerson(db, bsn)).toMatchObject({ given_name: 'Kim' });
      } else {
        const database = await openDatabase<RegistrySchema>({
          kind: 'pglite',
          dataDir: join(dataDir(), 'registry'),
        });
        try {
          expect(await readPerson(database.db, bsn)).toMatchObject({ given_name: 'Kim' });
        } finally {
          await database.close();
        }
      }
    });

    it('exits 2 for an unreadable file or an unknown header', async () => {
      const io = capture();
      expect(await runRegistryImport(join(dir, 'nope.ndjson'), { dataDir: dataDir() }, io)).toBe(2);
      expect(io.errors.join('\n')).toMatch(/cannot read/);
      const bad = join(dir, 'cli-bad.csv');
      await writeFile(bad, 'soort,bsn\n');
      const io2 = capture();
      expect(await runRegistryImport(bad, { dataDir: dataDir() }, io2)).toBe(2);
      expect(io2.errors.join('\n')).toMatch(/unknown column "soort"/);
    });

    it('is registered as `registry import` with its options', () => {
      const program = new Command('rvp');
      registerRegistryCommands(program);
      const command = program.commands
        .find((c) => c.name() === 'registry')
        ?.commands.find((c) => c.name() === 'import');
      expect(command).toBeDefined();
      expect(command!.options.map((o) => o.long)).toEqual(
        expect.arrayContaining(['--format', '--data-dir', '--report', '--batch-size']),
      );
    });
  });
});
