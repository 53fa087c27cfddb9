/**
 * Coverage (vaccinatiegraad) in the registry, built for national scale (docs/coverage.md):
 *
 * - `coverage_person` holds, per person with vaccinations, the indicators met (a bitmask) from the
 *   registry's own validity judgement (the schedule engine). Statement-level triggers (migration 008)
 *   mark persons whose vaccinations change in `coverage_dirty`; `refreshCoverage` re-judges only those,
 *   in batches, or everybody with `{ full: true }`.
 * - `computeCoverage` then reads the population per municipality, birth year, sex and indicators met
 *   from `coverage_cohort` (kept by triggers, migration 017), less the persons gone by the reference
 *   date; organisations and the nation are sums; anonymous doses come from `coverage_dose_month`.
 * - Small numbers are suppressed on the whole tree before anything is filtered for the caller.
 */
import { availableParallelism } from 'node:os';
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  cohortApplies,
  COVERAGE_INDICATORS,
  estimateWithAnonymous,
  indicatorsMet,
  latestCohort,
  percentage,
  suppressTree,
  type CellState,
  type CountNode,
  type CoverageIndicator,
} from '../domain/coverage/index.js';
import { addMonths, isoDateInZone, type IsoDate } from '../domain/dates/index.js';
import { judgeDoses, type RegistryDose } from './schedule-service.js';
import type { RegistrySchema } from './schema.js';

export interface CoverageTables {
  coverage_person: { person_id: string; met: number; valid_doses: number; assessed_on: string };
  coverage_dose_not_valid: { vaccination_id: string; person_id: string; status: string };
  coverage_dirty: { person_id: string };
  coverage_dose_month: {
    organisation_ura: string;
    vaccine_type: string;
    month: string;
    personalised: number;
    anonymous: number;
  };
}
export type CoverageDb = Kysely<RegistrySchema & CoverageTables>;
export const withCoverageTables = (db: Kysely<RegistrySchema>): CoverageDb => db as unknown as CoverageDb;

/** Default small-number threshold: no published cell counts fewer persons. */
export const DEFAULT_THRESHOLD = 10;

// ---------------------------------------------------------------------------------------------
// Refresh

export interface RefreshOptions {
  /** The day validity is judged on (doses after it are not judged); default today. */
  assessmentDate?: IsoDate;
  /** Re-judge every person with vaccinations, not only the changed ones. */
  full?: boolean;
  /** Persons per transaction. */
  batchSize?: number;
  /** Judge the batches on worker threads (`createCoveragePool`). Same rows as without. */
  evaluator?: CoverageEvaluator;
  /**
   * Without an evaluator: worker threads of a pool made (and closed) for this refresh. Default: the
   * machine's cores when at least `POOLED_FROM` persons are to be judged, else 0 (in-process).
   */
  threads?: number;
}

export interface RefreshResult {
  persons: number;
  batches: number;
  milliseconds: number;
}

/** From this many persons to judge a refresh starts its own worker pool (thread start-up ≈ 0.1 s). */
export const POOLED_FROM = 20_000;

/** A batch to judge: plain data, so it can cross to a worker thread. */
export interface CoverageJob {
  assessmentDate: IsoDate;
  persons: { id: string; birth_date: string; gender: string }[];
  /** Each person's vaccinations, by date then id. */
  doses: Array<[personId: string, doses: RegistryDose[]]>;
}

export interface CoverageJudgement {
  statuses: { person_id: string; met: number; valid_doses: number; assessed_on: string }[];
  notValid: { vaccination_id: string; person_id: string; status: string }[];
}

/** Judges batches elsewhere (a pool of worker threads, `createCoveragePool`). */
export interface CoverageEvaluator {
  /** Worker threads behind it: the refresh keeps this many batches (plus one) in flight. */
  readonly threads: number;
  judge(job: CoverageJob): Promise<CoverageJudgement>;
}

/** Pure: each person's indicators met and the doses not judged valid (the schedule engine). */
export function judgeCoverage(job: CoverageJob): CoverageJudgement {
  const doses = new Map(job.doses);
  const statuses: CoverageJudgement['statuses'] = [];
  const notValid: CoverageJudgement['notValid'] = [];
  for (const p of job.persons) {
    const own = doses.get(p.id);
    if (!own || own.length === 0) continue;
    const validities = judgeDoses({ birthDate: p.birth_date, gender: p.gender }, own, job.assessmentDate);
    let valid = 0;
    const judged = own.map((d, i) => {
      const status = validities[i]!.status;
      if (status === 'Valid') valid += 1;
      else notValid.push({ vaccination_id: d.id, person_id: p.id, status });
      return { vaccineType: d.vaccineType, date: d.date, valid: status === 'Valid' };
    });
    statuses.push({
      person_id: p.id,
      met: indicatorsMet(p.birth_date, judged),
      valid_doses: valid,
      assessed_on: job.assessmentDate,
    });
  }
  return { statuses, notValid };
}

/**
 * Brings `coverage_person` and `coverage_dose_not_valid` up to date: incremental (the persons in
 * `coverage_dirty`) or full (every person with vaccinations or a status, by keyset on the person id,
 * then whatever was marked meanwhile). One transaction per batch: it takes the batch's dirty marks,
 * reads, judges and writes, so a crash or a concurrent change never loses a mark; concurrent
 * refreshes skip each other's rows. With an evaluator the next batches are taken, read and judged on
 * worker threads while earlier ones wait to commit, strictly in order (see docs/coverage.md).
 */
export async function refreshCoverage(
  database: Kysely<RegistrySchema>,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const started = performance.now();
  const db = withCoverageTables(database);
  const assessmentDate = options.assessmentDate ?? isoDateInZone(new Date());
  const batchSize = options.batchSize ?? 2000;
  let evaluator = options.evaluator;
  let ownPool: { close(): Promise<void> } | null = null;
  if (!evaluator && options.threads !== 0) {
    const work = options.threads
      ? POOLED_FROM
      : Number(
          (
            await sql<{
              n: string;
            }>`select ${options.full ? sql`(select count(*) from person)` : sql`(select count(*) from coverage_dirty)`} as n`.execute(
              db,
            )
          ).rows[0]?.n ?? 0,
        );
    if (work >= POOLED_FROM) {
      // Imported lazily: the worker module imports this one.
      const { createCoveragePool } = await import('./coverage-worker.js');
      const pool = createCoveragePool(options.threads ?? availableParallelism());
      evaluator = pool;
      ownPool = pool;
    }
  }
  try {
    const total = { persons: 0, batches: 0 };
    if (options.full) {
      let after: string | null = null;
      await refreshPass(db, assessmentDate, batchSize, evaluator, total, async (trx) => {
        let query = trx
          .selectFrom('person as p')
          .select(['p.id', 'p.birth_date', 'p.gender'])
          .where((eb) =>
            eb.or([
              eb.exists(
                eb
                  .selectFrom('vaccination_event as v')
                  .select(sql.lit(1).as('one'))
                  .whereRef('v.person_id', '=', 'p.id'),
              ),
              eb.exists(
                eb
                  .selectFrom('coverage_person as c')
                  .select(sql.lit(1).as('one'))
                  .whereRef('c.person_id', '=', 'p.id'),
              ),
            ]),
          )
          .orderBy('p.id')
          .limit(batchSize);
        if (after !== null) query = query.where('p.id', '>', after);
        const persons = await query.execute();
        after = persons.at(-1)?.id ?? after;
        // Marks taken here are this batch's; marks made after this statement stay for the next refresh.
        if (persons.length > 0) {
          await trx
            .deleteFrom('coverage_dirty')
            .where(
              'person_id',
              'in',
              persons.map((p) => p.id),
            )
            .execute();
        }
        return { ids: persons.map((p) => p.id), persons, last: persons.length < batchSize };
      });
    }
    // Incremental (and, after a full pass, what was marked while it ran, or marks of vanished persons).
    // Claims move by keyset through coverage_dirty: from its start every claim would first step over
    // the index entries of the rows the earlier batches deleted. Marks made behind the cursor while a
    // pass runs are taken by the next pass; the refresh ends with a pass that finds nothing.
    for (;;) {
      let after: string | null = null;
      const before = total.persons;
      await refreshPass(db, assessmentDate, batchSize, evaluator, total, async (trx) => {
        const taken = await sql<{ person_id: string }>`
          delete from coverage_dirty where person_id in (
            select person_id from coverage_dirty
            where ${after === null ? sql`true` : sql`person_id > ${after}::uuid`}
            order by person_id limit ${batchSize} for update skip locked)
          returning person_id`.execute(trx);
        const ids = taken.rows.map((r) => r.person_id).sort();
        after = ids.at(-1) ?? after;
        const persons =
          ids.length === 0
            ? []
            : await trx
                .selectFrom('person')
                .select(['id', 'birth_date', 'gender'])
                .where('id', 'in', ids)
                .orderBy('id')
                .execute();
        return { ids, persons, last: ids.length === 0 };
      });
      if (total.persons === before) break;
    }
    // Fold the counts the triggers appended while the batches wrote and since the last refresh
    // (migrations 017 and 019).
    await sql`select coverage_cohort_compact()`.execute(db);
    await sql`select coverage_dose_month_compact()`.execute(db);
    return { ...total, milliseconds: Math.round(performance.now() - started) };
  } finally {
    await ownPool?.close();
  }
}

interface Claimed {
  /** Every person id taken (also those without a person row any more). */
  ids: string[];
  persons: CoverageJob['persons'];
  /** Nothing after this batch. */
  last: boolean;
}

/**
 * One pass of batches. Each batch is one transaction: `claim` (chained, so each claim sees the
 * previous one's keyset position or locked rows), dose read, judgement (on the evaluator, else
 * in-process), then — after the previous batch committed — the writes. With an evaluator
 * threads + 1 batches are in flight (each holding a connection); memory stays bounded by that.
 */
async function refreshPass(
  db: CoverageDb,
  assessmentDate: IsoDate,
  batchSize: number,
  evaluator: CoverageEvaluator | undefined,
  total: { persons: number; batches: number },
  claim: (trx: Transaction<RegistrySchema & CoverageTables>) => Promise<Claimed>,
): Promise<void> {
  const depth = evaluator ? Math.min(evaluator.threads + 1, 5) : 1;
  const judge = evaluator
    ? (job: CoverageJob) => evaluator.judge(job)
    : (job: CoverageJob) => Promise.resolve(judgeCoverage(job));
  let claimTail: Promise<unknown> = Promise.resolve();
  let commitTail: Promise<unknown> = Promise.resolve();
  let exhausted = false;
  const inFlight: Promise<number>[] = [];
  const enqueue = () => {
    const previousClaim = claimTail;
    const previousCommit = commitTail;
    let claimed!: (value: Claimed) => void;
    let claimFailed!: (reason: unknown) => void;
    claimTail = new Promise<Claimed>((resolve, reject) => {
      claimed = resolve;
      claimFailed = reject;
    }).then((c) => {
      if (c.last) exhausted = true;
    });
    const batch = db.transaction().execute(async (trx) => {
      let taken: Claimed;
      try {
        await previousClaim;
        taken = await claim(trx);
        claimed(taken);
      } catch (error) {
        claimFailed(error);
        throw error;
      }
      if (taken.ids.length === 0) return 0;
      const judged = await judge({
        assessmentDate,
        persons: taken.persons,
        doses: await readDoses(
          trx,
          taken.persons.map((p) => p.id),
        ),
      });
      await previousCommit; // results are written in the order the batches were taken
      await trx.deleteFrom('coverage_dose_not_valid').where('person_id', 'in', taken.ids).execute();
      await trx.deleteFrom('coverage_person').where('person_id', 'in', taken.ids).execute();
      for (let i = 0; i < judged.statuses.length; i += 5000) {
        await trx
          .insertInto('coverage_person')
          .values(judged.statuses.slice(i, i + 5000))
          .execute();
      }
      for (let i = 0; i < judged.notValid.length; i += 5000) {
        await trx
          .insertInto('coverage_dose_not_valid')
          .values(judged.notValid.slice(i, i + 5000))
          .execute();
      }
      return taken.ids.length;
    });
    commitTail = batch.catch(() => undefined);
    claimTail.catch(() => undefined); // a failed claim fails its batch, which is awaited below
    batch.catch(() => undefined); // awaited below; later ones fail with it and must not crash the process
    inFlight.push(batch);
  };
  for (;;) {
    while (inFlight.length < depth && !exhausted) {
      enqueue();
    }
    const next = inFlight.shift();
    if (!next) break;
    const done = await next;
    if (done > 0) {
      total.persons += done;
      total.batches += 1;
    }
    if (exhausted && inFlight.length === 0) break;
  }
}

async function readDoses(
  trx: Transaction<RegistrySchema & CoverageTables>,
  ids: string[],
): Promise<CoverageJob['doses']> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('vaccination_event')
    .select([
      'id',
      'person_id',
      'organisation_ura',
      'activity_id',
      'activity_date',
      'vaccine_type',
      'vaccination_date',
    ])
    .where('person_id', 'in', ids)
    .orderBy('person_id')
    .orderBy('vaccination_date')
    .orderBy('id')
    .execute();
  const byPerson = new Map<string, RegistryDose[]>();
  for (const d of rows) {
    const dose: RegistryDose = {
      id: d.id,
      organisationUra: d.organisation_ura,
      activityId: d.activity_id,
      activityDate: d.activity_date,
      vaccineType: d.vaccine_type,
      date: d.vaccination_date,
    };
    const list = byPerson.get(d.person_id);
    if (list) list.push(dose);
    else byPerson.set(d.person_id, [dose]);
  }
  return [...byPerson.entries()];
}

// ---------------------------------------------------------------------------------------------
// Compute

export type CoverageLevel = 'national' | 'organisation' | 'municipality';

export interface CoverageCell {
  level: CoverageLevel;
  /** 'NL', the organisation's URA or the CBS municipality code. */
  code: string;
  name: string;
  /** For a municipality: its organisation's URA. */
  organisationUra: string | null;
  indicator: string;
  /** Birth year. */
  cohort: number;
  /** null when suppressed. */
  population: number | null;
  vaccinated: number | null;
  coverage: number | null;
  /** Estimate including anonymous vaccinations; null when suppressed or not possible. */
  estimatedVaccinated: number | null;
  estimatedCoverage: number | null;
  suppression: CellState;
  estimateSuppressed: boolean;
}

export interface CoverageOptions {
  /** RIVM reference date, usually 1 January of the report year. */
  referenceDate: IsoDate;
  /** Small-number threshold (persons), default 10. */
  threshold?: number;
  /** How many cohorts per indicator, newest first (trend); default 1. */
  cohorts?: number;
  /** Indicator codes; default all. */
  indicators?: readonly string[];
  /** Refresh the changed persons first (default true). */
  refresh?: boolean;
  /** Only cells of this municipality (and none above it): for municipality officers. */
  onlyMunicipality?: string;
}

export interface CoverageResult {
  referenceDate: IsoDate;
  threshold: number;
  indicators: {
    code: string;
    label: string;
    ageGroup: string;
    ageLimitYears: number;
    doses: number;
    cohorts: number[];
  }[];
  cells: CoverageCell[];
  milliseconds: number;
}

export interface Aggregate {
  municipality: string | null;
  year: number;
  female: boolean;
  population: number;
  met: number[];
}

/**
 * Coverage per municipality, organisation and nationally for each indicator and cohort, personalised
 * and estimated with anonymous doses, with small-number suppression. See docs/coverage.md.
 */
export async function computeCoverage(
  database: Kysely<RegistrySchema>,
  options: CoverageOptions,
): Promise<CoverageResult> {
  const started = performance.now();
  const db = withCoverageTables(database);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const trend = Math.max(1, Math.min(options.cohorts ?? 1, 20));
  const indicators = COVERAGE_INDICATORS.filter(
    (i) => !options.indicators || options.indicators.includes(i.code),
  );
  if (options.refresh !== false) await refreshCoverage(database, { assessmentDate: options.referenceDate });

  const cohortsOf = new Map<string, number[]>();
  for (const ind of indicators) {
    const latest = latestCohort(ind, options.referenceDate);
    const list: number[] = [];
    for (let y = latest; y > latest - trend; y--) if (cohortApplies(ind, y)) list.push(y);
    cohortsOf.set(ind.code, list);
  }
  const years = [...new Set([...cohortsOf.values()].flat())].sort();
  const ref = options.referenceDate;

  const aggregates = await coverageAggregates(database, years, options.referenceDate);

  const municipalities = await db
    .selectFrom('municipality')
    .select(['code', 'name', 'organisation_ura'])
    .orderBy('code')
    .execute();
  const organisations = await db.selectFrom('organisation').select(['ura', 'name']).orderBy('ura').execute();
  const orgName = new Map(organisations.map((o) => [o.ura, o.name]));
  const orgOf = new Map(municipalities.map((m) => [m.code, m.organisation_ura]));
  const municipalityName = new Map(municipalities.map((m) => [m.code, m.name]));

  // Doses per organisation and vaccine type per month (for the anonymous estimate).
  const minMonth = years.length ? addMonths(`${years[0]}-01-01`, 0) : ref;
  // Summed per key: the triggers append signed counts (registry migration 019).
  const doseRows = await db
    .selectFrom('coverage_dose_month')
    .select((eb) => [
      'organisation_ura',
      'vaccine_type',
      'month',
      eb.fn.sum<number>('personalised').as('personalised'),
      eb.fn.sum<number>('anonymous').as('anonymous'),
    ])
    .where('month', '>=', minMonth)
    .groupBy(['organisation_ura', 'vaccine_type', 'month'])
    .execute();

  const cells: CoverageCell[] = [];
  for (const ind of indicators) {
    for (const cohort of cohortsOf.get(ind.code) ?? []) {
      cells.push(...cohortCells(ind, cohort));
    }
  }

  function cohortCells(ind: CoverageIndicator, cohort: number): CoverageCell[] {
    const perMunicipality = new Map<string | null, { population: number; vaccinated: number }>();
    for (const a of aggregates) {
      if (a.year !== cohort || (ind.population === 'female' && !a.female)) continue;
      const cur = perMunicipality.get(a.municipality) ?? { population: 0, vaccinated: 0 };
      cur.population += a.population;
      cur.vaccinated += a.met[ind.bit] ?? 0;
      perMunicipality.set(a.municipality, cur);
    }
    const count = (code: string | null) => perMunicipality.get(code) ?? { population: 0, vaccinated: 0 };

    // Anonymous and personalised doses of the indicator's vaccines in the cohort's window, per organisation.
    const from = addMonths(`${cohort}-01-01`, ind.fromAgeMonths).slice(0, 7);
    const before = `${cohort + 1 + ind.ageLimitYears}-01`;
    const doses = new Map<string, { personalised: number; anonymous: number }>();
    for (const d of doseRows) {
      const month = String(d.month).slice(0, 7);
      if (!ind.vaccineTypes.includes(d.vaccine_type) || month < from || month >= before) continue;
      const cur = doses.get(d.organisation_ura) ?? { personalised: 0, anonymous: 0 };
      cur.personalised += Number(d.personalised);
      cur.anonymous += Number(d.anonymous);
      doses.set(d.organisation_ura, cur);
    }

    // The tree NL → organisation → municipality; persons without a municipality count nationally only.
    const orgChildren = new Map<string, CountNode[]>();
    for (const m of municipalities) {
      const ura = m.organisation_ura ?? '-';
      const list = orgChildren.get(ura) ?? [];
      list.push({ id: `m:${m.code}`, count: count(m.code).population });
      orgChildren.set(ura, list);
    }
    const orgNodes: CountNode[] = [...orgChildren.entries()].map(([ura, children]) => ({
      id: `o:${ura}`,
      count: children.reduce((s, c) => s + c.count, 0),
      children,
    }));
    let national = 0;
    for (const v of perMunicipality.values()) national += v.population;
    const tree: CountNode = { id: 'NL', count: national, children: orgNodes };
    const { state } = suppressTree(tree, threshold);

    const estimateFor = (ura: string | null, population: number, vaccinated: number) => {
      const d = (ura && doses.get(ura)) || { personalised: 0, anonymous: 0 };
      const suppressed = d.anonymous > 0 && d.anonymous < threshold;
      const raw = estimateWithAnonymous({ population, vaccinated, ...d, dosesRequired: ind.doses });
      return { suppressed, value: suppressed ? null : raw, raw, anonymous: d.anonymous };
    };

    const make = (
      level: CoverageLevel,
      code: string,
      name: string,
      organisationUra: string | null,
      c: { population: number; vaccinated: number },
      s: CellState,
      estimate: { suppressed: boolean; value: number | null },
    ): CoverageCell => {
      const published = s === 'published';
      const est = published && !estimate.suppressed ? estimate.value : null;
      return {
        level,
        code,
        name,
        organisationUra,
        indicator: ind.code,
        cohort,
        population: published ? c.population : null,
        vaccinated: published ? c.vaccinated : null,
        coverage: published ? percentage(c.vaccinated, c.population) : null,
        estimatedVaccinated: est,
        estimatedCoverage: est === null ? null : percentage(est, c.population),
        suppression: s,
        estimateSuppressed: published && estimate.suppressed,
      };
    };

    const out: CoverageCell[] = [];
    let nationalEstimate = 0;
    let nationalAnonymous = 0;
    const nationalCount = { population: national, vaccinated: 0 };
    for (const v of perMunicipality.values()) nationalCount.vaccinated += v.vaccinated;
    for (const [ura, children] of orgChildren) {
      const c = { population: 0, vaccinated: 0 };
      for (const m of children) {
        const mc = count(m.id.slice(2));
        c.population += mc.population;
        c.vaccinated += mc.vaccinated;
      }
      const est = estimateFor(ura, c.population, c.vaccinated);
      // Nationally the organisations' anonymous doses add up: only the national total must reach k.
      nationalEstimate += est.raw;
      nationalAnonymous += est.anonymous;
      if (ura !== '-') {
        out.push(make('organisation', ura, orgName.get(ura) ?? ura, ura, c, state.get(`o:${ura}`)!, est));
      }
      for (const m of children) {
        const code = m.id.slice(2);
        const mc = count(code);
        out.push(
          make(
            'municipality',
            code,
            municipalityName.get(code) ?? code,
            orgOf.get(code) ?? null,
            mc,
            state.get(m.id)!,
            estimateFor(ura, mc.population, mc.vaccinated),
          ),
        );
      }
    }
    // Persons without a municipality have no organisation: no anonymous ratio for them.
    nationalEstimate += count(null).vaccinated;
    out.unshift(
      make('national', 'NL', 'Nederland', null, nationalCount, state.get('NL')!, {
        suppressed: nationalAnonymous > 0 && nationalAnonymous < threshold,
        value: Math.min(national, nationalEstimate),
      }),
    );
    return out;
  }

  const visible = options.onlyMunicipality
    ? cells.filter((c) => c.level === 'municipality' && c.code === options.onlyMunicipality)
    : cells;
  return {
    referenceDate: options.referenceDate,
    threshold,
    indicators: indicators.map((i) => ({
      code: i.code,
      label: i.label,
      ageGroup: i.ageGroup,
      ageLimitYears: i.ageLimitYears,
      doses: i.doses,
      cohorts: cohortsOf.get(i.code) ?? [],
    })),
    cells: visible,
    milliseconds: Math.round(performance.now() - started),
  };
}

/**
 * The report's population: persons of the given birth years present on the reference date, with
 * their indicators met, counted per municipality, birth year and sex. Read from `coverage_cohort`
 * (migration 017: every person's count, kept by triggers), less the persons who had died or
 * emigrated by the reference date (few, through a partial index). Its time no longer grows with the
 * population; `coverageAggregatesFromPersons` is the same count straight from `person`.
 */
export async function coverageAggregates(
  database: Kysely<RegistrySchema>,
  cohortYears: readonly number[],
  referenceDate: IsoDate,
): Promise<Aggregate[]> {
  const years = [...new Set(cohortYears)].sort();
  if (years.length === 0) return [];
  const bitCounts = COVERAGE_INDICATORS.map(
    (i) => sql`sum(persons) filter (where met & ${sql.lit(1 << i.bit)} <> 0)::int`,
  );
  const rows = await sql<AggregateRow>`
    select municipality_code, birth_year as year, female, sum(persons)::int as population,
           array[${sql.join(bitCounts)}] as met
    from (
      select municipality_code, birth_year, female, met, persons from coverage_cohort
      where birth_year = any(${years}::int[])
      union all
      select p.municipality_code, extract(year from p.birth_date)::int, p.gender = '2', coalesce(s.met, 0), -1
      from person p left join coverage_person s on s.person_id = p.id
      where (p.deceased_on is not null or p.emigrated_on is not null)
        and (p.deceased_on <= ${referenceDate}::date or p.emigrated_on <= ${referenceDate}::date)
        and ${cohortRange(years)}
    ) c
    group by 1, 2, 3
    having sum(persons) <> 0`.execute(database);
  return rows.rows.map(aggregateOf);
}

interface AggregateRow {
  municipality_code: string | null;
  year: number;
  female: boolean;
  population: number;
  met: number[];
}

const aggregateOf = (r: AggregateRow): Aggregate => ({
  municipality: r.municipality_code,
  year: Number(r.year),
  female: Boolean(r.female),
  population: Number(r.population),
  // A group whose persons meet no indicator has nulls from the filtered sums.
  met: r.met.map((n) => Number(n ?? 0)),
});

const cohortRange = (years: readonly number[]) =>
  sql`p.birth_date >= ${`${years[0]}-01-01`}::date and p.birth_date < ${`${years[years.length - 1]! + 1}-01-01`}::date
        and extract(year from p.birth_date)::int = any(${years}::int[])`;

/**
 * `coverageAggregates` counted straight from `person` joined to `coverage_person`: one grouped pass
 * over the persons of those years (7.6 s for 3.5 M persons). Kept as the definition the maintained
 * table must equal (tests) and as the benchmark's before.
 */
export async function coverageAggregatesFromPersons(
  database: Kysely<RegistrySchema>,
  cohortYears: readonly number[],
  referenceDate: IsoDate,
): Promise<Aggregate[]> {
  const years = [...new Set(cohortYears)].sort();
  if (years.length === 0) return [];
  const ref = referenceDate;
  const bitCounts = COVERAGE_INDICATORS.map(
    (i) => sql`count(*) filter (where coalesce(s.met, 0) & ${sql.lit(1 << i.bit)} <> 0)::int`,
  );
  const rows = await sql<AggregateRow>`
      select p.municipality_code, extract(year from p.birth_date)::int as year, (p.gender = '2') as female,
             count(*)::int as population, array[${sql.join(bitCounts)}] as met
      from person p left join coverage_person s on s.person_id = p.id
      where ${cohortRange(years)}
        and (p.deceased_on is null or p.deceased_on > ${ref}::date)
        and (p.emigrated_on is null or p.emigrated_on > ${ref}::date)
      group by 1, 2, 3`.execute(database);
  return rows.rows.map(aggregateOf);
}

const CSV_COLUMNS: (keyof CoverageCell)[] = [
  'level',
  'code',
  'name',
  'organisationUra',
  'indicator',
  'cohort',
  'population',
  'vaccinated',
  'coverage',
  'estimatedVaccinated',
  'estimatedCoverage',
  'suppression',
];

/** CSV (RFC 4180, `;`-free: comma separated, quoted where needed); suppressed values are empty. */
export function coverageCsv(cells: readonly CoverageCell[]): string {
  return toCsv(
    CSV_COLUMNS,
    cells.map((c) => CSV_COLUMNS.map((k) => c[k])),
  );
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const quote = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    // A leading =, +, - or @ would be a formula in a spreadsheet.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}
