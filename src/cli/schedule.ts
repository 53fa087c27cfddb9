/**
 * `rvp schedule …`: the schedule engine (dose evaluation and forecast, SPEC R-R3) on the command line.
 *
 * Contract, relied on by outside checks: `rvp schedule cdsi FILE` reads CDC CDSi test cases as NDJSON
 * (one case per line, the columns of CDC's "FITS Exported TestCases" sheet) and prints one JSON object
 * per case per line:
 *   {"id", "vaccineGroup", "seriesStatus", "doses": [{"status", "reason"}], "forecast": {"earliest",
 *    "recommended", "pastDue"}}
 * in CDSi's words, evaluated as of each case's Assessment_Date. Exit 0 when every case was processed;
 * non-zero with a message on stderr when the file cannot be read or a line is not a valid case.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  CdsiCaseError,
  loadCdsiSupportingData,
  parseCdsiCase,
  resolveVaccineGroup,
  runCdsiCase,
  type CdsiCase,
} from '../domain/schedule/index.js';

/** Exit code for a file that cannot be read or holds an invalid line. */
export const EXIT_INVALID_INPUT = 2;
/** Exit code for a failure while loading the schedule or evaluating (not the input's fault). */
export const EXIT_FAILURE = 1;

export interface ScheduleCdsiOptions {
  /** CDSi supporting-data folder; default RVP_CDSI_DIR, else shared/cdsi/supporting-data-4.64. */
  readonly supportingData?: string;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Evaluates every case in `file` and hands one JSON line per case to `out`. Nothing is printed unless
 * every line is a valid case. Returns the process exit code.
 */
export async function runScheduleCdsi(
  file: string,
  out: (line: string) => void,
  err: (line: string) => void = (line) => console.error(line),
  options: ScheduleCdsiOptions = {},
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    err(
      code === 'ENOENT'
        ? `schedule cdsi: file not found: ${file}`
        : `schedule cdsi: cannot read ${file}: ${describeError(error)}`,
    );
    return EXIT_INVALID_INPUT;
  }

  const cases: CdsiCase[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      err(`schedule cdsi: ${file} line ${i + 1} is not valid JSON: ${describeError(error)}`);
      return EXIT_INVALID_INPUT;
    }
    try {
      cases.push(parseCdsiCase(json));
    } catch (error) {
      if (error instanceof CdsiCaseError) {
        err(`schedule cdsi: ${file} line ${i + 1}: ${error.message}`);
        return EXIT_INVALID_INPUT;
      }
      throw error;
    }
  }

  let data;
  try {
    data = await loadCdsiSupportingData(options.supportingData);
  } catch (error) {
    err(`schedule cdsi: ${describeError(error)}`);
    return EXIT_FAILURE;
  }

  const results: string[] = [];
  for (const c of cases) {
    if (resolveVaccineGroup(data, c.vaccineGroup) === undefined) {
      err(`schedule cdsi: case ${c.id}: unknown vaccine group "${c.vaccineGroup}"`);
    }
    try {
      results.push(JSON.stringify(runCdsiCase(data, c)));
    } catch (error) {
      err(`schedule cdsi: case ${c.id}: ${describeError(error)}`);
      return EXIT_FAILURE;
    }
  }
  for (const line of results) out(line);
  return 0;
}

export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('vaccination schedule engine (CDSi model): dose evaluation and forecast');

  schedule
    .command('cdsi')
    .description(
      "evaluate CDC CDSi test cases (NDJSON, one case per line) as of each case's Assessment_Date; " +
        'prints one JSON line per case: {"id","vaccineGroup","seriesStatus","doses","forecast"}',
    )
    .argument('<file>', 'test cases (NDJSON)')
    .option('--supporting-data <dir>', 'CDSi supporting-data folder (RVP_CDSI_DIR)')
    .action(async (file: string, opts: { supportingData?: string }) => {
      process.exitCode = await runScheduleCdsi(
        file,
        (line) => {
          process.stdout.write(`${line}\n`);
        },
        undefined,
        opts.supportingData !== undefined ? { supportingData: opts.supportingData } : {},
      );
    });
}
