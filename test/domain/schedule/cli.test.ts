import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerScheduleCommands, runScheduleCdsi } from '../../../src/cli/schedule.js';
import { defaultCdsiRoot } from '../../../src/domain/schedule/index.js';

const CASES_FILE = join(defaultCdsiRoot(), 'test-cases-healthy-v4.45-dev.ndjson');

async function run(
  file: string,
  supportingData?: string,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScheduleCdsi(
    file,
    (line) => out.push(line),
    (line) => err.push(line),
    supportingData !== undefined ? { supportingData } : {},
  );
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rvp-schedule-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CASE = {
  CDC_Test_ID: '2013-0002',
  DOB: '2025-09-06',
  gender: 'F',
  Series_Status: 'Not complete',
  Date_Administered_1: '2025-10-15',
  CVX_1: '107',
  Evaluation_Status_1: 'Valid',
  Date_Administered_2: '2025-11-10',
  CVX_2: '107',
  Evaluation_Status_2: 'Not Valid',
  Evaluation_Reason_2: 'Age: Too Young',
  Earliest_Date: '2025-12-08',
  Recommended_Date: '2026-01-06',
  Past_Due_Date: '2026-03-05',
  Vaccine_Group: 'DTAP',
  Assessment_Date: '2025-11-10',
};

describe('rvp schedule cdsi', () => {
  it('prints one JSON object per case in the contract shape', async () => {
    const file = join(dir, 'one.ndjson');
    await writeFile(file, `${JSON.stringify(CASE)}\n\n`);
    const { code, out, err } = await run(file);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toEqual({
      id: '2013-0002',
      vaccineGroup: 'DTAP',
      seriesStatus: 'Not complete',
      doses: [
        { status: 'Valid', reason: null },
        { status: 'Not Valid', reason: 'Age: Too Young' },
      ],
      forecast: { earliest: '2025-12-08', recommended: '2026-01-06', pastDue: '2026-03-05' },
    });
  });

  it.skipIf(!existsSync(CASES_FILE))('processes the whole CDC file, one line per case', async () => {
    const { code, out } = await run(CASES_FILE);
    expect(code).toBe(0);
    const lines = (await readFile(CASES_FILE, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    expect(out).toHaveLength(lines.length);
    const ids = out.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(lines.map((l) => (JSON.parse(l) as { CDC_Test_ID: string }).CDC_Test_ID));
    for (const line of out) {
      const o = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(o)).toEqual(['id', 'vaccineGroup', 'seriesStatus', 'doses', 'forecast']);
    }
  });

  it('exits non-zero with a message for a missing file', async () => {
    const { code, out, err } = await run(join(dir, 'nope.ndjson'));
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/file not found/);
  });

  it('exits non-zero naming the line that is not JSON, printing nothing', async () => {
    const file = join(dir, 'bad.ndjson');
    await writeFile(file, `${JSON.stringify(CASE)}\n{not json\n`);
    const { code, out, err } = await run(file);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/line 2 is not valid JSON/);
  });

  it('exits non-zero for a case without a birth date or with a malformed date', async () => {
    const file = join(dir, 'nodob.ndjson');
    await writeFile(file, JSON.stringify({ ...CASE, DOB: undefined }));
    expect((await run(file)).err.join('\n')).toMatch(/line 1: DOB is missing/);
    await writeFile(file, JSON.stringify({ ...CASE, Date_Administered_1: '2025-13-01' }));
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/Date_Administered_1 is not a date/);
  });

  it('fails clearly when the supporting data is not there', async () => {
    const file = join(dir, 'one.ndjson');
    const { code, err } = await run(file, join(dir, 'no-such-folder'));
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/CDSi supporting data not found/);
  });

  it('registers `schedule cdsi <file>`', () => {
    const program = new Command('rvp');
    registerScheduleCommands(program);
    const schedule = program.commands.find((c) => c.name() === 'schedule');
    const cdsi = schedule?.commands.find((c) => c.name() === 'cdsi');
    expect(cdsi).toBeDefined();
    expect(cdsi?.registeredArguments.map((a) => a.name())).toEqual(['file']);
  });
});
