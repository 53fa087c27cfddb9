/**
 * `rvp consent …`: the consent decision tree on the command line (SPEC R-C4).
 *
 * Contract, relied on by outside checks: `rvp consent evaluate FILE` reads a consent case file
 * (schema open-rvp/consent-cases/v1; `expected` is optional and ignored) and prints one JSON object per
 * case per line: {"id", "decision", "path"}. Exit 0 when every case was evaluated, whatever the
 * decisions; non-zero with a message on stderr when the file is missing, not JSON or not valid.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConsentCaseFileError, evaluateConsent, parseConsentCaseFile } from '../domain/consent/index.js';
import type { ConsentCase } from '../domain/consent/index.js';

/** Exit code for a file that cannot be read or is not a valid case file. */
export const EXIT_INVALID_INPUT = 2;
/** Exit code for an unexpected failure while evaluating (a bug, not bad input). */
export const EXIT_FAILURE = 1;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Evaluates every case in `file` and hands one JSON line per case to `out`. Nothing is printed unless
 * the whole file is valid and every case evaluated. Returns the process exit code.
 */
export async function runConsentEvaluate(
  file: string,
  out: (line: string) => void,
  err: (line: string) => void = (line) => console.error(line),
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    err(
      code === 'ENOENT'
        ? `consent evaluate: file not found: ${file}`
        : `consent evaluate: cannot read ${file}: ${describeError(error)}`,
    );
    return EXIT_INVALID_INPUT;
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    err(`consent evaluate: ${file} is not valid JSON: ${describeError(error)}`);
    return EXIT_INVALID_INPUT;
  }

  let cases: ConsentCase[];
  try {
    cases = parseConsentCaseFile(json);
  } catch (error) {
    if (error instanceof ConsentCaseFileError) {
      err(`consent evaluate: ${file}: ${error.message}`);
      return EXIT_INVALID_INPUT;
    }
    throw error;
  }

  const lines: string[] = [];
  for (const [index, c] of cases.entries()) {
    try {
      const { decision, path } = evaluateConsent(c, c.evaluationDate);
      lines.push(JSON.stringify({ id: c.id, decision, path }));
    } catch (error) {
      err(`consent evaluate: cases[${index}] (${c.id}): ${describeError(error)}`);
      return EXIT_FAILURE;
    }
  }
  for (const line of lines) out(line);
  return 0;
}

export function registerConsentCommands(program: Command): void {
  const consent = program
    .command('consent')
    .description('exchange consent (toestemming gegevensuitwisseling RVP): the decision tree');

  consent
    .command('evaluate')
    .description(
      'evaluate every case in a consent case file (schema open-rvp/consent-cases/v1); ' +
        'prints one JSON line per case: {"id","decision","path"}',
    )
    .argument('<file>', 'consent case file (JSON)')
    .action(async (file: string) => {
      process.exitCode = await runConsentEvaluate(file, (line) => {
        process.stdout.write(`${line}\n`);
      });
    });
}
