/**
 * Sweeps (veegacties, seed 001 §4.9–4.11): monthly and on demand, each a list of youth plus letters.
 * - turned-12: the 12th birthday in the last whole month(s); their own consent now counts.
 * - turning-16: the 16th birthday within the next N months, where the overall decision will change.
 * - no-consent: a registration the decision needs is missing (a registered "no" is a registration).
 * - non-responders: a letter went out ≥ graceDays ago and nothing came back.
 * The selection rules are pure (src/domain/sessions/sweeps.ts); this file reads and stores.
 */
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { compareIsoDates } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { evaluateConsent } from '../domain/consent/index.js';
import { formatPersonName } from '../domain/names.js';
import {
  decisionChangeAtSixteen,
  isNonResponder,
  missingRegistrations,
  previousMonths,
  turnedTwelveIn,
  type MissingParty,
  type SweepKind,
} from '../domain/sessions/index.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError } from '../http/problem.js';
import { organisationOf, type RequestContext } from './clients.js';
import { inOrganisation } from './scope.js';
import type { DossierSchema } from './schema.js';
import { loadConsentFacts, type ConsentFacts } from './sessions-consent.js';
import { writeLetters } from './sessions.js';
import { renderSessionLetters } from './session-letters.js';

type Db = Kysely<DossierSchema> | Transaction<DossierSchema>;

export interface SweepParameters {
  /** turned-12: whole months back (default 1). turning-16: months ahead (default 3). */
  months?: number | undefined;
  /** non-responders: days after a letter before it counts as unanswered (default 14). */
  graceDays?: number | undefined;
}

export interface SweepMember {
  clientId: string;
  name: string;
  birthDate: IsoDate;
  decision: 'toestemming' | 'geen-toestemming';
  missing: MissingParty[];
  /** turning-16: the birthday and the decision then. */
  birthday?: IsoDate;
  decisionThen?: 'toestemming' | 'geen-toestemming';
  /** non-responders: the last letter. */
  lastLetterOn?: IsoDate;
}

export interface SweepRunView {
  id: string;
  kind: SweepKind;
  referenceDate: IsoDate;
  trigger: 'monthly' | 'on-demand';
  period: string | null;
  parameters: SweepParameters;
  startedBy: string;
  startedAt: string;
  memberCount: number;
  members?: SweepMember[];
}

/** Pure selection over loaded facts: who the sweep of `kind` returns on `today`. */
export function selectSweep(
  kind: SweepKind,
  clients: ReadonlyArray<{ id: string; name: string; birthDate: IsoDate }>,
  facts: Map<string, ConsentFacts>,
  requests: ReadonlyArray<{ clientId: string; issuedOn: IsoDate; answered: boolean }>,
  today: IsoDate,
  parameters: SweepParameters,
): SweepMember[] {
  const result: SweepMember[] = [];
  const window = kind === 'turned-12' ? previousMonths(today, parameters.months ?? 1) : null;
  for (const client of clients) {
    const f = facts.get(client.id);
    if (!f || compareIsoDates(client.birthDate, today) > 0) continue;
    const evaluation = evaluateConsent(f.input, today);
    if (evaluation.ageOnEvaluationDate >= 18) continue;
    const missing = missingRegistrations(f.input, today);
    const base = {
      clientId: client.id,
      name: client.name,
      birthDate: client.birthDate,
      decision: evaluation.decision,
      missing,
    };
    if (kind === 'turned-12') {
      if (window && turnedTwelveIn(client.birthDate, window) && missing.includes('youth')) result.push(base);
    } else if (kind === 'turning-16') {
      const change = decisionChangeAtSixteen(f.input, today, parameters.months ?? 3);
      if (change) result.push({ ...base, birthday: change.birthday, decisionThen: change.then });
    } else if (kind === 'no-consent') {
      if (missing.length > 0) result.push(base);
    } else {
      const own = requests
        .filter((r) => r.clientId === client.id)
        .sort((a, b) => compareIsoDates(a.issuedOn, b.issuedOn));
      const last = own.at(-1);
      if (
        missing.length > 0 &&
        last &&
        isNonResponder(
          { issuedOn: last.issuedOn, answered: own.some((r) => r.answered && r.issuedOn >= last.issuedOn) },
          f.lastRegistrationOn,
          today,
          parameters.graceDays ?? 14,
        )
      ) {
        result.push({ ...base, lastLetterOn: last.issuedOn });
      }
    }
  }
  return result;
}

async function loadPopulation(trx: Db, ura: string, kind: SweepKind) {
  // Only youth in active dossiers; under 18 on the day (16+ and 12+ narrowed by the rules).
  let query = trx
    .selectFrom('client')
    .select(['id', 'given_name', 'name_prefix', 'family_name', 'birth_date'])
    .where('organisation_ura', '=', ura)
    .where('kind', '=', 'youth')
    .where('dossier_status', '=', '01');
  if (kind === 'non-responders') {
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('consent_request as q').select('q.id').whereRef('q.client_id', '=', 'client.id'),
      ),
    );
  }
  const rows = await query.execute();
  const clients = rows.map((r) => ({
    id: r.id,
    name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
    birthDate: r.birth_date,
  }));
  const facts = await loadConsentFacts(trx, clients);
  const requests =
    kind === 'non-responders'
      ? (
          await trx
            .selectFrom('consent_request')
            .select(['client_id', 'issued_on', 'answered_at'])
            .where('organisation_ura', '=', ura)
            .where('kind', '!=', 'confirmation')
            .execute()
        ).map((r) => ({ clientId: r.client_id, issuedOn: r.issued_on, answered: r.answered_at !== null }))
      : [];
  return { clients, facts, requests };
}

async function storeRun(
  trx: Db,
  ura: string,
  kind: SweepKind,
  today: IsoDate,
  parameters: SweepParameters,
  trigger: 'monthly' | 'on-demand',
  startedBy: string,
): Promise<{ id: string; members: SweepMember[] } | null> {
  const period = trigger === 'monthly' ? previousMonths(today).period : null;
  if (period) {
    const done = await trx
      .selectFrom('sweep_run')
      .select('id')
      .where('organisation_ura', '=', ura)
      .where('kind', '=', kind)
      .where('period', '=', period)
      .executeTakeFirst();
    if (done) return null;
  }
  const { clients, facts, requests } = await loadPopulation(trx, ura, kind);
  const members = selectSweep(kind, clients, facts, requests, today, parameters);
  const run = await trx
    .insertInto('sweep_run')
    .values({
      organisation_ura: ura,
      kind,
      reference_date: today,
      parameters: JSON.stringify(parameters),
      trigger,
      period,
      started_by: startedBy,
      member_count: members.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < members.length; i += 500) {
    await trx
      .insertInto('sweep_run_member')
      .values(
        members.slice(i, i + 500).map((m) => ({
          run_id: run.id,
          client_id: m.clientId,
          detail: JSON.stringify({
            missing: m.missing,
            decision: m.decision,
            ...(m.birthday ? { birthday: m.birthday, decisionThen: m.decisionThen } : {}),
            ...(m.lastLetterOn ? { lastLetterOn: m.lastLetterOn } : {}),
          }),
        })),
      )
      .execute();
  }
  return { id: run.id, members };
}

/** On demand: one sweep for the actor's organisation, stored with its list. */
export async function runSweep(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  kind: SweepKind,
  parameters: SweepParameters,
  today: IsoDate,
): Promise<SweepRunView> {
  requirePermission(ctx.actor, 'sweep.run');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const run = (await storeRun(trx, ura, kind, today, parameters, 'on-demand', ctx.actor.userId))!;
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: `sweep.run.${kind}`,
      subjectType: 'sweep_run',
      subjectId: run.id,
      requestId: ctx.requestId,
    });
    return { ...(await loadRuns(trx, ura, run.id))[0]!, members: run.members };
  });
}

export const SWEEP_KINDS: readonly SweepKind[] = ['turned-12', 'turning-16', 'no-consent', 'non-responders'];

export interface SystemSweepResult {
  organisationUra: string;
  kind: SweepKind;
  runId: string;
  members: number;
}

/**
 * Sweeps run by the system rather than a user (the monthly job, `rvp sweeps`), across organisations:
 * a machine job runs as the owner, like the exchange sender. Each organisation and kind is its own
 * transaction. A monthly run is made once per organisation, kind and month (sweep_run.period); a run
 * that another process made first (unique violation) counts as done, not as a failure.
 */
export async function runSystemSweeps(
  db: Kysely<DossierSchema>,
  today: IsoDate,
  options: {
    trigger: 'monthly' | 'on-demand';
    startedBy: string;
    kinds?: readonly SweepKind[] | undefined;
    organisations?: readonly string[] | undefined;
    parameters?: SweepParameters | undefined;
  },
): Promise<SystemSweepResult[]> {
  let query = db.selectFrom('organisation').select('ura').orderBy('ura');
  if (options.organisations) {
    if (options.organisations.length === 0) return [];
    query = query.where('ura', 'in', [...options.organisations]);
  }
  const organisations = await query.execute();
  const done: SystemSweepResult[] = [];
  for (const { ura } of organisations) {
    for (const kind of options.kinds ?? SWEEP_KINDS) {
      let run: { id: string; members: SweepMember[] } | null;
      try {
        run = await db.transaction().execute(async (trx) => {
          const stored = await storeRun(
            trx,
            ura,
            kind,
            today,
            options.parameters ?? {},
            options.trigger,
            options.startedBy,
          );
          if (stored) {
            await appendAudit(trx, {
              actorId: options.startedBy,
              organisationUra: ura,
              action: `sweep.run.${kind}`,
              subjectType: 'sweep_run',
              subjectId: stored.id,
            });
          }
          return stored;
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') continue; // this month's run exists already
        throw error;
      }
      if (run) done.push({ organisationUra: ura, kind, runId: run.id, members: run.members.length });
    }
  }
  return done;
}

/** The monthly job: every organisation, every kind; idempotent per organisation, kind and month. */
export async function runMonthlySweeps(
  db: Kysely<DossierSchema>,
  today: IsoDate,
  kinds: readonly SweepKind[] = SWEEP_KINDS,
): Promise<SystemSweepResult[]> {
  return runSystemSweeps(db, today, { trigger: 'monthly', startedBy: 'system:monthly-sweeps', kinds });
}

export interface MonthlySweepJob {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Schedules the monthly job in the running dossier service: a check five minutes after start, then every
 * hour. The check is cheap once the month's runs exist (one lookup per organisation and kind), and
 * hourly means a service that was down on the 1st still makes the month's lists that day. Runs never
 * overlap. Logs carry counts only, never names.
 */
export function startMonthlySweeps(
  db: Kysely<DossierSchema>,
  today: () => IsoDate,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
  options: { firstAfterMs?: number; everyMs?: number } = {},
): MonthlySweepJob {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = runMonthlySweeps(db, today())
      .then(
        (runs) => {
          for (const run of runs) {
            log.info(
              { organisationUra: run.organisationUra, kind: run.kind, members: run.members },
              'monthly sweep',
            );
          }
        },
        (error: unknown) => log.error({ err: error }, 'monthly sweeps failed'),
      )
      .finally(() => {
        running = null;
      });
  };
  // Five minutes in: start-up (migrations, demo data) settles first, and short-lived test chains never run it.
  const first = setTimeout(tick, options.firstAfterMs ?? 300_000);
  first.unref();
  const every = setInterval(tick, options.everyMs ?? 3_600_000);
  every.unref();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}

/** RVP_MONTHLY_SWEEPS=off leaves the monthly job to an outside scheduler (`rvp sweeps --monthly`). */
export const monthlySweepsEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.RVP_MONTHLY_SWEEPS !== 'off';

async function loadRuns(trx: Db, ura: string, onlyId?: string): Promise<SweepRunView[]> {
  let query = trx
    .selectFrom('sweep_run')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .orderBy('started_at', 'desc')
    .limit(100);
  if (onlyId) query = query.where('id', '=', onlyId);
  return (await query.execute()).map((r) => ({
    id: r.id,
    kind: r.kind,
    referenceDate: r.reference_date,
    trigger: r.trigger,
    period: r.period,
    parameters: (typeof r.parameters === 'string'
      ? JSON.parse(r.parameters)
      : r.parameters) as SweepParameters,
    startedBy: r.started_by,
    startedAt: new Date(r.started_at).toISOString(),
    memberCount: r.member_count,
  }));
}

export async function listSweeps(db: Kysely<DossierSchema>, ctx: RequestContext): Promise<SweepRunView[]> {
  requirePermission(ctx.actor, 'sweep.run');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, (trx) => loadRuns(trx, ura));
}

async function runMembers(trx: Db, runId: string): Promise<SweepMember[]> {
  const rows = await trx
    .selectFrom('sweep_run_member as m')
    .innerJoin('client as c', 'c.id', 'm.client_id')
    .select(['c.id', 'c.given_name', 'c.name_prefix', 'c.family_name', 'c.birth_date', 'm.detail'])
    .where('m.run_id', '=', runId)
    .orderBy('c.family_name')
    .orderBy('c.given_name')
    .execute();
  return rows.map((r) => {
    const d = (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Omit<
      SweepMember,
      'clientId' | 'name' | 'birthDate'
    >;
    return {
      ...d,
      clientId: r.id,
      name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
      birthDate: r.birth_date,
    };
  });
}

export async function getSweep(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
): Promise<SweepRunView> {
  requirePermission(ctx.actor, 'sweep.run');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const run = (await loadRuns(trx, ura, id))[0];
    if (!run) throw notFound('Deze veegactie');
    const members = await runMembers(trx, id);
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'sweep.read',
      subjectType: 'sweep_run',
      subjectId: id,
      requestId: ctx.requestId,
    });
    return { ...run, members };
  });
}

/**
 * The letters of a run as one PDF (turning-16: the letter before the birthday; non-responders: a
 * reminder; otherwise a consent request), each with a new response code. Made once per run: a second
 * request is refused, so nobody gets two letters for one run.
 */
export async function sweepLetters(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  contact: string,
  today: IsoDate,
): Promise<{ pdf: Uint8Array; letters: number }> {
  requirePermission(ctx.actor, 'sweep.run');
  requirePermission(ctx.actor, 'session.letters');
  const ura = organisationOf(ctx.actor);
  const letters = await inOrganisation(db, ura, async (trx) => {
    const run = (await loadRuns(trx, ura, id))[0];
    if (!run) throw notFound('Deze veegactie');
    const already = await trx
      .selectFrom('consent_request')
      .select('id')
      .where('sweep_run_id', '=', id)
      .executeTakeFirst();
    if (already) {
      throw new ProblemError(
        409,
        'conflict',
        'Brieven al gemaakt',
        'De brieven van deze veegactie zijn al gemaakt.',
        [
          {
            field: 'params.id',
            rule: 'letters-once',
            message: 'De brieven van deze veegactie zijn al gemaakt.',
          },
        ],
      );
    }
    const members = await runMembers(trx, id);
    const facts = await loadConsentFacts(
      trx,
      members.map((m) => ({ id: m.clientId, birthDate: m.birthDate })),
    );
    // The letter before the 16th birthday speaks of the decision then (the youth's own choice).
    const addressed = members.map((m) => ({ ...m, decision: m.decisionThen ?? m.decision }));
    const letters = await writeLetters(trx, ctx, ura, addressed, facts, today, {
      kind: run.kind === 'turning-16' ? 'turning-16' : run.kind === 'non-responders' ? 'reminder' : 'request',
      sessionId: null,
      sweepRunId: id,
      contact,
      birthdays: new Map(members.filter((m) => m.birthday).map((m) => [m.clientId, m.birthday!])),
    });
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'sweep.letters',
      subjectType: 'sweep_run',
      subjectId: id,
      requestId: ctx.requestId,
    });
    return letters;
  });
  return { pdf: await renderSessionLetters(letters), letters: letters.length };
}
