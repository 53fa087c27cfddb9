import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerConsentCommands, runConsentEvaluate } from '../../src/cli/consent.js';

const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/consent-use-cases.json', import.meta.url));

async function run(file: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runConsentEvaluate(
    file,
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rvp-consent-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeCaseFile(name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('rvp consent evaluate', () => {
  it('prints one JSON line per case; all nine Nictiz decisions match', async () => {
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as {
      cases: Array<{ id: string; expected: string }>;
    };
    const { code, out, err } = await run(FIXTURE);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(9);
    const lines = out.map((l) => JSON.parse(l) as { id: string; decision: string; path: unknown[] });
    expect(lines.map((l) => [l.id, l.decision])).toEqual(fixture.cases.map((c) => [c.id, c.expected]));
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['id', 'decision', 'path']);
      expect(line.path.length).toBeGreaterThan(0);
      for (const s of line.path)
        expect(s).toEqual({ question: expect.any(String), answer: expect.any(String) });
    }
  });

  it('exits 0 whatever the decisions, and without expected values', async () => {
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as { cases: Array<Record<string, unknown>> };
    for (const c of fixture.cases) delete c.expected;
    const file = await writeCaseFile('no-expected.json', fixture);
    const { code, out } = await run(file);
    expect(code).toBe(0);
    expect(out).toHaveLength(9);
  });

  it('a missing file: non-zero, message on stderr, nothing on stdout', async () => {
    const { code, out, err } = await run(join(dir, 'does-not-exist.json'));
    expect(code).not.toBe(0);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('file not found');
  });

  it('bad JSON: non-zero with a clear message', async () => {
    const { code, out, err } = await run(await writeCaseFile('bad.json', '{"schema": '));
    expect(code).not.toBe(0);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/is not valid JSON/);
  });

  it('schema errors: non-zero, each problem with its JSON path, nothing evaluated', async () => {
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as {
      cases: Array<{ records: Array<Record<string, unknown>>; evaluationDate: string }>;
    };
    fixture.cases[2]!.records[0]!.source = '02';
    fixture.cases[3]!.evaluationDate = '2021-02-30';
    const { code, out, err } = await run(await writeCaseFile('schema.json', fixture));
    expect(code).not.toBe(0);
    expect(out).toEqual([]);
    const message = err.join('\n');
    expect(message).toContain('cases[2].records[0].source: must be one of 01, 03, 04, 05');
    expect(message).toContain(
      'cases[3].evaluationDate: 2021-02-30 is not a calendar date: February 2021 has 28 days',
    );
  });

  it('a file in another schema is rejected', async () => {
    const { code, err } = await run(
      await writeCaseFile('other.json', { schema: 'something-else', cases: [] }),
    );
    expect(code).not.toBe(0);
    expect(err.join('\n')).toContain('schema: must be "open-rvp/consent-cases/v1"');
  });
});

describe('registerConsentCommands', () => {
  it('adds `consent evaluate <file>` and runs it', async () => {
    const program = new Command('rvp').exitOverride();
    registerConsentCommands(program);
    const consent = program.commands.find((c) => c.name() === 'consent');
    const evaluate = consent?.commands.find((c) => c.name() === 'evaluate');
    expect(evaluate?.registeredArguments.map((a) => [a.name(), a.required])).toEqual([['file', true]]);

    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const before = process.exitCode;
    try {
      await program.parseAsync(['node', 'rvp', 'consent', 'evaluate', FIXTURE]);
      expect(process.exitCode).toBe(0);
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
    expect(written.join('').trim().split('\n')).toHaveLength(9);
  });
});
