/**
 * Coverage (vaccinatiegraad) in the registry, built for national scale (docs/coverage.md):
 *
 * - `coverage_person` holds, per person with vaccinations, the indicators met (a bitmask) from the
 *   registry's own validity judgement (the schedule engine). Statement-level triggers (migration 008)
 *   mark persons whose vaccinations change in `coverage_dirty`; `refreshCoverage` re-judges only those,
 *   in batches, or everybody with `{ full: true }`.
 * - `computeCoverage` is then one set-based pass over `person` (the cohorts asked for) joined to
 *   `coverage_person`, grouped by municipality, birth year and sex, with one filtered count per
 *   indicator; organisations and the nation are sums; anonymous doses come from `coverage_dose_month`.
 * - Small numbers are suppressed on the whole tree before anything is filtered for the caller.
 */
import { sql, type Kysely } from 'kysely';
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
import { addMonths, type IsoDate } from '../domain/dates/index.js';
import { assessSchedule } from './schedule-service.js';
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
}

export interface RefreshResult {
  persons: number;
  batches: number;
  milliseconds: number;
}

/**
 * Brings `coverage_person` and `coverage_dose_not_valid` up to date: incremental (the persons in
 * `coverage_dirty`) or full. One transaction per batch; concurrent refreshes skip each other's rows.
 */
export async function refreshCoverage(
  database: Kysely<RegistrySchema>,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const started = performance.now();
  const db = withCoverageTables(database);
  const assessmentDate = options.assessmentDate ?? new Date().toISOString().slice(0, 10);
  const batchSize = options.batchSize ?? 2000;
  if (options.full) {
    await sql`insert into coverage_dirty (person_id) select distinct person_id from vaccination_event
              on conflict do nothing`.execute(db);
    // Persons who lost all their vaccinations keep no status.
    await sql`insert into coverage_dirty (person_id) select person_id from coverage_person
              on conflict do nothing`.execute(db);
  }
  let persons = 0;
  let batches = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const taken = await sql<{ person_id: string }>`
        delete from coverage_dirty where person_id in (
          select person_id from coverage_dirty order by person_id limit ${batchSize} for update skip locked)
        returning person_id`.execute(trx);
      const ids = taken.rows.map((r) => r.person_id);
      if (ids.length === 0) return 0;
      const people = await trx
        .selectFrom('person')
        .select(['id', 'birth_date', 'gender'])
        .where('id', 'in', ids)
        .execute();
      const doses = await trx
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
      const byPerson = new Map<string, typeof doses>();
      for (const d of doses) {
        const list = byPerson.get(d.person_id) ?? [];
        list.push(d);
        byPerson.set(d.person_id, list);
      }
      const statuses: { person_id: string; met: number; valid_doses: number; assessed_on: string }[] = [];
      const notValid: { vaccination_id: string; person_id: string; status: string }[] = [];
      for (const p of people) {
        const own = byPerson.get(p.id) ?? [];
        if (own.length === 0) continue;
        const assessment = assessSchedule(
          { birthDate: p.birth_date, gender: p.gender },
          own.map((d) => ({
            id: d.id,
            organisationUra: d.organisation_ura,
            activityId: d.activity_id,
            activityDate: d.activity_date,
            vaccineType: d.vaccine_type,
            date: d.vaccination_date,
          })),
          assessmentDate,
        );
        let valid = 0;
        for (const d of assessment.doses) {
          if (d.validity.status === 'Valid') valid += 1;
          else notValid.push({ vaccination_id: d.vaccinationId, person_id: p.id, status: d.validity.status });
        }
        statuses.push({
          person_id: p.id,
          met: indicatorsMet(
            p.birth_date,
            assessment.doses.map((d) => ({
              vaccineType: d.vaccineType,
              date: d.date,
              valid: d.validity.status === 'Valid',
            })),
          ),
          valid_doses: valid,
          assessed_on: assessmentDate,
        });
      }
      await trx.deleteFrom('coverage_dose_not_valid').where('person_id', 'in', ids).execute();
      await trx.deleteFrom('coverage_person').where('person_id', 'in', ids).execute();
      for (let i = 0; i < statuses.length; i += 5000) {
        await trx
          .insertInto('coverage_person')
          .values(statuses.slice(i, i + 5000))
          .execute();
      }
      for (let i = 0; i < notValid.length; i += 5000) {
        await trx
          .insertInto('coverage_dose_not_valid')
          .values(notValid.slice(i, i + 5000))
          .execute();
      }
      return ids.length;
    });
    if (done === 0) break;
    persons += done;
    batches += 1;
  }
  return { persons, batches, milliseconds: Math.round(performance.now() - started) };
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

interface Aggregate {
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

  const bitCounts = COVERAGE_INDICATORS.map(
    (i) => sql`count(*) filter (where coalesce(s.met, 0) & ${sql.lit(1 << i.bit)} <> 0)::int`,
  );
  const rows =
    years.length === 0
      ? []
      : (
          await sql<{
            municipality_code: string | null;
            year: number;
            female: boolean;
            population: number;
            met: number[];
          }>`
            select p.municipality_code, extract(year from p.birth_date)::int as year, (p.gender = '2') as female,
                   count(*)::int as population, array[${sql.join(bitCounts)}] as met
            from person p left join coverage_person s on s.person_id = p.id
            where p.birth_date >= ${`${years[0]}-01-01`}::date and p.birth_date < ${`${years[years.length - 1]! + 1}-01-01`}::date
              and extract(year from p.birth_date)::int = any(${years}::int[])
              and (p.deceased_on is null or p.deceased_on > ${ref}::date)
              and (p.emigrated_on is null or p.emigrated_on > ${ref}::date)
            group by 1, 2, 3`.execute(db)
        ).rows;
  const aggregates: Aggregate[] = rows.map((r) => ({
    municipality: r.municipality_code,
    year: Number(r.year),
    female: Boolean(r.female),
    population: Number(r.population),
    met: r.met.map(Number),
  }));

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
  const doseRows = await db
    .selectFrom('coverage_dose_month')
    .select(['organisation_ura', 'vaccine_type', 'month', 'personalised', 'anonymous'])
    .where('month', '>=', minMonth)
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
