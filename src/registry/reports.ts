/**
 * Reports (R-R7, SPEC §9; seed 002 art. 6.2, annex A Afstemmingsoverleg, annex B 18–19): valid
 * vaccinations per organisation per half-year and per municipality and organisation each February;
 * national coverage each July; the 30 April report for a municipality (last year's coverage and vaccine
 * loss, with the organisation's explanation); budget against actual vaccinations; falling coverage
 * opens a consultation item. As JSON, CSV (`toCsv`) and PDF (`renderReportPdf`).
 */
import { sql, type Kysely } from 'kysely';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { coverageSignal } from '../domain/coverage/index.js';
import { RVP_VACCINE_CODES } from '../domain/schedule/index.js';
import {
  refreshCoverage,
  computeCoverage,
  withCoverageTables,
  DEFAULT_THRESHOLD,
  type CoverageCell,
} from './coverage.js';
import { toWinAnsi } from './letters.js';
import type { RegistrySchema } from './schema.js';

export interface ReportTables {
  consultation_item: {
    id: import('kysely').Generated<string>;
    kind: 'coverage-drop' | 'loss-above-1pct';
    municipality_code: string | null;
    organisation_ura: string | null;
    subject: string;
    period: string;
    details: unknown;
    status: import('kysely').Generated<'open' | 'closed'>;
    opened_at: import('kysely').Generated<Date>;
    opened_by: string;
    closed_at: Date | null;
    closed_by: string | null;
  };
  report_explanation: {
    organisation_ura: string;
    year: number;
    text: string;
    registered_by: string;
    registered_at: import('kysely').Generated<Date>;
  };
  municipality_budget: {
    municipality_code: string;
    year: number;
    budget_cents: number | string;
    price_per_vaccination_cents: number;
  };
}
export type ReportDb = Kysely<RegistrySchema & ReportTables>;
export const withReportTables = (db: Kysely<RegistrySchema>): ReportDb => db as unknown as ReportDb;

export const vaccineName = (code: string): string => RVP_VACCINE_CODES[code]?.name ?? code;

// ---------------------------------------------------------------------------------------------
// Valid vaccinations (half-year, February)

export interface VaccinationCountRow {
  organisationUra: string;
  organisationName: string;
  /** null: anonymous vaccinations, whose municipality the registry does not know. */
  municipalityCode: string | null;
  municipalityName: string | null;
  vaccineType: string;
  vaccine: string;
  valid: number;
  notValid: number;
  /** Anonymous (message 4a): registered, cannot be judged; suppressed (null) below the threshold. */
  anonymous: number | null;
}

/**
 * Registered vaccinations given in [from, to], per organisation and vaccine, split by municipality
 * when asked: personalised ones judged valid/not valid by the registry, anonymous ones counted apart.
 */
export async function vaccinationCounts(
  database: Kysely<RegistrySchema>,
  input: {
    from: string;
    to: string;
    byMunicipality: boolean;
    onlyMunicipality?: string;
    threshold?: number;
    assessmentDate: string;
  },
): Promise<VaccinationCountRow[]> {
  const db = withCoverageTables(database);
  const threshold = input.threshold ?? DEFAULT_THRESHOLD;
  await refreshCoverage(database, { assessmentDate: input.assessmentDate });
  const personal = await sql<{
    organisation_ura: string;
    municipality_code: string | null;
    vaccine_type: string;
    valid: number;
    not_valid: number;
  }>`
    select v.organisation_ura, ${input.byMunicipality ? sql`p.municipality_code` : sql`null::text`} as municipality_code, v.vaccine_type,
           count(*) filter (where nv.vaccination_id is null)::int as valid,
           count(nv.vaccination_id)::int as not_valid
    from vaccination_event v
    join person p on p.id = v.person_id
    left join coverage_dose_not_valid nv on nv.vaccination_id = v.id
    where v.vaccination_date between ${input.from}::date and ${input.to}::date
      ${input.onlyMunicipality ? sql`and p.municipality_code = ${input.onlyMunicipality}` : sql``}
    group by 1, 2, 3`.execute(db);
  // Anonymous doses per organisation from the monthly counts (periods are whole months).
  const anonymous = input.onlyMunicipality
    ? []
    : await db
        .selectFrom('coverage_dose_month')
        .select(['organisation_ura', 'vaccine_type', (eb) => eb.fn.sum<number>('anonymous').as('n')])
        .where('month', '>=', `${input.from.slice(0, 7)}-01`)
        .where('month', '<=', input.to)
        .groupBy(['organisation_ura', 'vaccine_type'])
        .execute();
  const orgs = new Map(
    (await db.selectFrom('organisation').select(['ura', 'name']).execute()).map((o) => [o.ura, o.name]),
  );
  const muns = new Map(
    (await db.selectFrom('municipality').select(['code', 'name']).execute()).map((m) => [m.code, m.name]),
  );
  const rows: VaccinationCountRow[] = personal.rows.map((r) => ({
    organisationUra: r.organisation_ura,
    organisationName: orgs.get(r.organisation_ura) ?? r.organisation_ura,
    municipalityCode: r.municipality_code,
    municipalityName: r.municipality_code ? (muns.get(r.municipality_code) ?? null) : null,
    vaccineType: r.vaccine_type,
    vaccine: vaccineName(r.vaccine_type),
    valid: Number(r.valid),
    notValid: Number(r.not_valid),
    anonymous: 0,
  }));
  for (const a of anonymous) {
    const n = Number(a.n);
    if (n === 0) continue;
    const shown = n < threshold ? null : n;
    const existing = input.byMunicipality
      ? undefined
      : rows.find((r) => r.organisationUra === a.organisation_ura && r.vaccineType === a.vaccine_type);
    if (existing) existing.anonymous = shown;
    else
      rows.push({
        organisationUra: a.organisation_ura,
        organisationName: orgs.get(a.organisation_ura) ?? a.organisation_ura,
        municipalityCode: null,
        municipalityName: input.byMunicipality ? 'onbekend (anoniem)' : null,
        vaccineType: a.vaccine_type,
        vaccine: vaccineName(a.vaccine_type),
        valid: 0,
        notValid: 0,
        anonymous: shown,
      });
  }
  return rows.sort(
    (a, b) =>
      a.organisationName.localeCompare(b.organisationName) ||
      (a.municipalityName ?? '~').localeCompare(b.municipalityName ?? '~') ||
      a.vaccineType.localeCompare(b.vaccineType),
  );
}

/** Half-year h (1 or 2) of a year as a date range. */
export function halfYear(year: number, half: 1 | 2): { from: string; to: string } {
  return half === 1
    ? { from: `${year}-01-01`, to: `${year}-06-30` }
    : { from: `${year}-07-01`, to: `${year}-12-31` };
}

// ---------------------------------------------------------------------------------------------
// Budget against actual vaccinations (art. 6.1, 6.2d)

export interface BudgetRow {
  municipalityCode: string;
  municipalityName: string;
  year: number;
  budget: number; // euros
  pricePerVaccination: number;
  validVaccinations: number;
  needed: number; // euros: actual × price
  /** budget − needed: positive goes to the equalisation reserve, negative comes from it. */
  toEqualisationReserve: number;
}

export async function budgetReport(
  database: Kysely<RegistrySchema>,
  input: { year: number; onlyMunicipality?: string; assessmentDate: string },
): Promise<BudgetRow[]> {
  const db = withReportTables(database);
  let q = db
    .selectFrom('municipality_budget as b')
    .innerJoin('municipality as m', 'm.code', 'b.municipality_code')
    .select(['b.municipality_code', 'm.name', 'b.budget_cents', 'b.price_per_vaccination_cents'])
    .where('b.year', '=', input.year);
  if (input.onlyMunicipality) q = q.where('b.municipality_code', '=', input.onlyMunicipality);
  const budgets = await q.orderBy('m.name').execute();
  if (budgets.length === 0) return [];
  const counts = await vaccinationCounts(database, {
    from: `${input.year}-01-01`,
    to: `${input.year}-12-31`,
    byMunicipality: true,
    ...(input.onlyMunicipality ? { onlyMunicipality: input.onlyMunicipality } : {}),
    assessmentDate: input.assessmentDate,
  });
  return budgets.map((b) => {
    const valid = counts
      .filter((c) => c.municipalityCode === b.municipality_code)
      .reduce((s, c) => s + c.valid, 0);
    const budgetCents = Number(b.budget_cents);
    const neededCents = valid * b.price_per_vaccination_cents;
    return {
      municipalityCode: b.municipality_code,
      municipalityName: b.name,
      year: input.year,
      budget: budgetCents / 100,
      pricePerVaccination: b.price_per_vaccination_cents / 100,
      validVaccinations: valid,
      needed: neededCents / 100,
      toEqualisationReserve: (budgetCents - neededCents) / 100,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Falling coverage → consultation items

export interface SignalInput {
  referenceDate: string;
  thresholdPoints: number;
  floor?: number;
  actorId: string;
}

/**
 * Compares each published municipal coverage with the previous cohort's and opens one consultation
 * item per municipality, indicator and cohort whose coverage fell (annex A Afstemmingsoverleg 4).
 */
export async function openCoverageSignals(
  database: Kysely<RegistrySchema>,
  input: SignalInput,
): Promise<{
  opened: number;
  signals: {
    municipalityCode: string;
    indicator: string;
    cohort: number;
    previous: number | null;
    current: number;
    kind: string;
  }[];
}> {
  const result = await computeCoverage(database, { referenceDate: input.referenceDate, cohorts: 2 });
  const byKey = new Map<string, CoverageCell>();
  for (const c of result.cells)
    if (c.level === 'municipality') byKey.set(`${c.code}|${c.indicator}|${c.cohort}`, c);
  const signals: {
    municipalityCode: string;
    organisationUra: string | null;
    indicator: string;
    cohort: number;
    previous: number | null;
    current: number;
    kind: string;
  }[] = [];
  for (const c of byKey.values()) {
    const newest = result.indicators.find((i) => i.code === c.indicator)?.cohorts[0];
    if (c.cohort !== newest || c.coverage === null) continue;
    const prev = byKey.get(`${c.code}|${c.indicator}|${c.cohort - 1}`)?.coverage ?? null;
    const signal = coverageSignal({
      previous: prev,
      current: c.coverage,
      thresholdPoints: input.thresholdPoints,
      ...(input.floor !== undefined ? { floor: input.floor } : {}),
    });
    if (signal)
      signals.push({
        municipalityCode: c.code,
        organisationUra: c.organisationUra,
        indicator: c.indicator,
        cohort: c.cohort,
        previous: prev,
        current: c.coverage,
        kind: signal.kind,
      });
  }
  const db = withReportTables(database);
  let opened = 0;
  await db.transaction().execute(async (trx) => {
    for (const s of signals) {
      const r = await sql`
        insert into consultation_item (kind, municipality_code, organisation_ura, subject, period, details, opened_by)
        values ('coverage-drop', ${s.municipalityCode}, ${s.organisationUra}, ${s.indicator}, ${String(s.cohort)},
                ${JSON.stringify({ previous: s.previous, current: s.current, signal: s.kind, referenceDate: input.referenceDate })}::jsonb,
                ${input.actorId})
        on conflict do nothing`.execute(trx);
      opened += Number(r.numAffectedRows ?? 0);
    }
  });
  return { opened, signals: signals.map(({ organisationUra: _o, ...rest }) => rest) };
}

// ---------------------------------------------------------------------------------------------
// PDF

export interface ReportTable {
  title: string;
  subtitle: string;
  columns: string[];
  rows: (string | number | null)[][];
  notes?: string[];
}

/** A plain A4 landscape report as a real PDF: title, table (paged), notes. */
export async function renderReportPdf(report: ReportTable): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(toWinAnsi(report.title));
  pdf.setProducer('open-rvp');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const size: [number, number] = [841.89, 595.28];
  const margin = 36;
  const width = size[0] - 2 * margin;
  const colWidth = width / Math.max(1, report.columns.length);
  let page = pdf.addPage(size);
  let y = size[1] - margin;
  const text = (s: string, x: number, f = font, sz = 8) => {
    let t = toWinAnsi(s);
    while (t.length > 1 && f.widthOfTextAtSize(t, sz) > colWidth - 4) t = t.slice(0, -2) + '…';
    page.drawText(toWinAnsi(t), { x, y, size: sz, font: f, color: rgb(0, 0, 0) });
  };
  const header = () => {
    page.drawText(toWinAnsi(report.title), {
      x: margin,
      y,
      size: 14,
      font: bold,
      color: rgb(0.082, 0.259, 0.451),
    });
    y -= 18;
    page.drawText(toWinAnsi(report.subtitle), { x: margin, y, size: 9, font });
    y -= 18;
    report.columns.forEach((c, i) => text(c, margin + i * colWidth, bold));
    y -= 12;
  };
  header();
  for (const row of report.rows) {
    if (y < margin + 12) {
      page = pdf.addPage(size);
      y = size[1] - margin;
      header();
    }
    row.forEach((v, i) => text(v === null ? '–' : String(v), margin + i * colWidth));
    y -= 11;
  }
  for (const note of report.notes ?? []) {
    if (y < margin + 12) {
      page = pdf.addPage(size);
      y = size[1] - margin;
    }
    y -= 4;
    page.drawText(toWinAnsi(note).slice(0, 180), { x: margin, y, size: 8, font });
    y -= 11;
  }
  return pdf.save();
}
