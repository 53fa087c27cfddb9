/**
 * `rvp sweeps`: run the sweeps (veegacties, seed 001 §4.9–4.11; docs/sessions.md) on demand from the
 * command line, for every organisation or one, and print how many youth each list holds. `--monthly`
 * runs the monthly job instead (idempotent per organisation, kind and month), for an outside cron when
 * the in-process job is switched off (RVP_MONTHLY_SWEEPS=off). The lists themselves are read in the
 * web app (Veegacties); the command prints counts only, no personal data.
 */
import { Option, type Command } from 'commander';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config.js';
import { isIsoDate, isoDateInZone } from '../domain/dates/index.js';
import type { SweepKind } from '../domain/sessions/index.js';
import type { DossierSchema } from '../dossier/schema.js';
import { runSystemSweeps, SWEEP_KINDS, type SweepParameters } from '../dossier/sweeps.js';
import { openServiceDatabase } from '../services.js';

export const EXIT_INVALID_INPUT = 2;

export interface SweepsCommandOptions {
  kind?: SweepKind;
  organisation?: string;
  date?: string;
  months?: string;
  graceDays?: string;
  monthly?: boolean;
}

function wholeNumber(value: string | undefined, min: number, max: number): number | undefined | null {
  if (value === undefined) return undefined;
  const n = Number(value);
  return /^\d+$/.test(value) && n >= min && n <= max ? n : null;
}

/** Runs the sweeps on `db` and prints one line per organisation and kind. Returns the exit code. */
export async function runSweepsCommand(
  db: Kysely<DossierSchema>,
  opts: SweepsCommandOptions,
  out: (line: string) => void = (line) => console.log(line),
  err: (line: string) => void = (line) => console.error(line),
): Promise<number> {
  const today = opts.date ?? isoDateInZone(new Date());
  if (!isIsoDate(today)) {
    err(`sweeps: --date must be a date YYYY-MM-DD, got "${today}"`);
    return EXIT_INVALID_INPUT;
  }
  const months = wholeNumber(opts.months, 1, 24);
  const graceDays = wholeNumber(opts.graceDays, 0, 365);
  if (months === null || graceDays === null) {
    err('sweeps: --months must be 1–24 and --grace-days 0–365 (whole numbers)');
    return EXIT_INVALID_INPUT;
  }
  if (opts.monthly && (months !== undefined || graceDays !== undefined)) {
    // The monthly job has fixed parameters, so every month's lists mean the same.
    err('sweeps: --monthly takes no --months or --grace-days');
    return EXIT_INVALID_INPUT;
  }
  const parameters: SweepParameters = {
    ...(months !== undefined ? { months } : {}),
    ...(graceDays !== undefined ? { graceDays } : {}),
  };
  const results = await runSystemSweeps(db, today, {
    trigger: opts.monthly ? 'monthly' : 'on-demand',
    startedBy: opts.monthly ? 'system:monthly-sweeps' : 'cli:rvp-sweeps',
    kinds: opts.kind ? [opts.kind] : SWEEP_KINDS,
    organisations: opts.organisation ? [opts.organisation] : undefined,
    parameters,
  });
  if (results.length === 0) {
    out(
      opts.monthly
        ? `sweeps: the runs of this month (reference date ${today}) exist already; nothing to do`
        : 'sweeps: no organisation found',
    );
    return 0;
  }
  out(`sweeps on ${today} (${opts.monthly ? 'monthly' : 'on demand'}):`);
  for (const r of results) {
    out(`${r.organisationUra}  ${r.kind.padEnd(15)} ${String(r.members).padStart(6)} youth  run ${r.runId}`);
  }
  out(`total: ${results.reduce((sum, r) => sum + r.members, 0)} youth in ${results.length} lists`);
  return 0;
}

export function registerSweepsCommand(program: Command): void {
  program
    .command('sweeps')
    .description(
      'run the sweeps (turned 12, turning 16, no consent, non-responders) and print the list counts',
    )
    .option('--data-dir <dir>', 'embedded database directory (RVP_DATA_DIR)')
    .addOption(new Option('--kind <kind>', 'only this sweep (default all)').choices([...SWEEP_KINDS]))
    .option('--organisation <ura>', 'only this organisation (URA number)')
    .option('--date <date>', 'reference date YYYY-MM-DD (default today, Europe/Amsterdam)')
    .option('--months <n>', 'turned-12: whole months back (1); turning-16: months ahead (3)')
    .option('--grace-days <n>', 'non-responders: days after a letter before it counts as unanswered (14)')
    .option('--monthly', 'run as the monthly job: once per organisation, kind and month')
    .action(async (opts: SweepsCommandOptions & { dataDir?: string }) => {
      const config = loadConfig({ ...process.env, ...(opts.dataDir ? { RVP_DATA_DIR: opts.dataDir } : {}) });
      const database = await openServiceDatabase(config, 'dossier');
      try {
        process.exitCode = await runSweepsCommand(database.db, opts);
      } finally {
        await database.close();
      }
    });
}
