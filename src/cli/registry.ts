/**
 * `rvp registry …`: the registry's batch work. `rvp registry import FILE` imports a BRP/COA population
 * extract (R-R1; docs/population.md).
 *
 * Contract: exit 0 when the file was processed, whatever rows were refused (the report lists them);
 * exit 2 for a file that cannot be read or has no usable CSV header (nothing imported); exit 1 for
 * any other failure (the run can be resumed by running the same command again).
 */
import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import {
  ImportConflictError,
  importPopulation,
  PopulationFileError,
  type ImportProgress,
  type ImportResult,
  type PopulationFormat,
} from '../registry/population-import.js';
import type { RegistrySchema } from '../registry/schema.js';
import { openServiceDatabase } from '../services.js';

export const EXIT_INVALID_FILE = 2;
export const EXIT_FAILURE = 1;

export interface RegistryImportOptions {
  format?: PopulationFormat;
  dataDir?: string;
  /** Where to write the report; default FILE.report.csv next to the file. */
  report?: string;
  batchSize?: string;
  /** Refuse dates after this day (default today). */
  today?: string;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** A progress bar on a terminal; plain lines otherwise (CI logs). */
  tty: boolean;
  stream: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const processIo = (): CliIo => ({
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  tty: Boolean(process.stderr.isTTY),
  stream: process.stderr,
  env: process.env,
});

function progressReporter(io: CliIo): { update(p: ImportProgress): void; stop(): void } {
  if (io.tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stream,
        format: 'import [{bar}] {percentage}% | regel {line} | toegepast {applied} | geweigerd {refused}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(Math.max(1, p.totalBytes), 0, { line: 0, applied: 0, refused: 0 });
          started = true;
        }
        bar.update(p.bytes, { line: p.line, applied: p.applied, refused: p.refused });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastTenth = -1;
  return {
    update(p) {
      const tenth = Math.floor((p.totalBytes > 0 ? p.bytes / p.totalBytes : 1) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      io.err(`import: ${tenth * 10}% (regel ${p.line}, toegepast ${p.applied}, geweigerd ${p.refused})`);
    },
    stop() {},
  };
}

function summary(file: string, result: ImportResult): string[] {
  const lines = [`registry import: ${file} (${result.format}), run ${result.runId}`];
  if (result.status === 'already-completed') {
    lines.push(
      `already imported completely: nothing applied again (${result.totals.applied} applied, ${result.totals.refused} refused before)`,
    );
  } else {
    const kinds = Object.entries(result.appliedByKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    lines.push(
      `applied ${result.applied} (${kinds}), refused ${result.refused}, skipped ${result.skipped}` +
        (result.resumedFromLine !== null ? ` (resumed from line ${result.resumedFromLine})` : ''),
    );
    if (result.organisationChanges > 0) {
      lines.push(`moves to another organisation: ${result.organisationChanges}`);
    }
  }
  const rules = Object.entries(result.totals.byRule);
  if (rules.length > 0) lines.push(`refused by rule: ${rules.map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  if (result.reportPath) lines.push(`report: ${result.reportPath}`);
  return lines;
}

/** The import command's work; returns the exit code. */
export async function runRegistryImport(
  file: string,
  options: RegistryImportOptions,
  io: CliIo = processIo(),
): Promise<number> {
  const path = resolve(file);
  try {
    await access(path, constants.R_OK);
  } catch {
    io.err(`registry import: cannot read ${file}`);
    return EXIT_INVALID_FILE;
  }
  let batchSize: number | undefined;
  if (options.batchSize !== undefined) {
    batchSize = Number(options.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      io.err('registry import: --batch-size must be a whole number of at least 1');
      return EXIT_INVALID_FILE;
    }
  }
  const config = loadConfig({
    ...io.env,
    ...(options.dataDir ? { RVP_DATA_DIR: options.dataDir } : {}),
  });
  let database: Database<RegistrySchema>;
  try {
    database = await openServiceDatabase(config, 'registry');
  } catch (error) {
    io.err(`registry import: cannot open the registry database: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
  const progress = progressReporter(io);
  try {
    const result = await importPopulation(database.db, path, {
      ...(options.format ? { format: options.format } : {}),
      ...(batchSize ? { batchSize } : {}),
      ...(options.today ? { today: options.today } : {}),
      reportPath: resolve(options.report ?? `${path}.report.csv`),
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    for (const line of summary(file, result)) io.out(line);
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof PopulationFileError) {
      io.err(`registry import: ${error.message}`);
      return EXIT_INVALID_FILE;
    }
    if (error instanceof ImportConflictError) {
      io.err(`registry import: ${error.message}`);
      return EXIT_FAILURE;
    }
    io.err(
      `registry import: stopped: ${(error as Error).message}. Run the same command again to continue after the last committed batch.`,
    );
    return EXIT_FAILURE;
  } finally {
    await database.close();
  }
}

export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('the registry (RVP): population and batch work');
  registry
    .command('import')
    .description(
      'import a BRP/COA population extract (NDJSON or CSV; docs/population.md): validates each row, ' +
        'applies in batches, resumes after a crash, never applies a completed file twice',
    )
    .argument('<file>', 'the extract')
    .addOption(
      new Option('--format <format>', 'file format (default: by extension, else sniffed)').choices([
        'ndjson',
        'csv',
      ]),
    )
    .option('--data-dir <dir>', 'embedded database directory (RVP_DATA_DIR)')
    .option('--report <path>', 'where to write the report of refused rows (default FILE.report.csv)')
    .option('--batch-size <n>', 'rows per transaction (default 500)')
    .option('--today <date>', 'refuse dates after this day (default today)')
    .action(async (file: string, opts: RegistryImportOptions) => {
      process.exitCode = await runRegistryImport(file, opts);
    });
}
