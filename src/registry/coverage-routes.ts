/**
 * Coverage and reports over HTTP (R-R7, SPEC §9). Municipality officers see their own municipality's
 * aggregates only (suppression is applied to the whole tree before their rows are picked out); the
 * national and organisation figures, refreshes and explanations are for registry staff.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { COVERAGE_INDICATORS } from '../domain/coverage/index.js';
import { isoDateSchema } from '../domain/dates/index.js';
import { appendAudit } from '../db/audit.js';
import type { App } from '../http/app.js';
import { can, requirePermission } from '../http/policy.js';
import { ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { computeCoverage, coverageCsv, refreshCoverage, toCsv, type CoverageCell } from './coverage.js';
import { organisationLoss } from '../supply/supply.js';
import {
  budgetReport,
  halfYear,
  openCoverageSignals,
  renderReportPdf,
  vaccinationCounts,
  withReportTables,
  type ReportTable,
} from './reports.js';
import type { RegistrySchema } from './schema.js';
import { inventoryDayOnOrBefore } from '../domain/supply/index.js';

const formatSchema = z.enum(['json', 'csv', 'pdf']).default('json');
const yearSchema = z.coerce.number().int().min(2000).max(2100);

/** The municipality an officer is limited to; undefined for staff. */
function scope(actor: Actor): string | undefined {
  requirePermission(actor, 'population.aggregates');
  return can(actor, 'coverage.national') ? undefined : (actor.municipalityCode ?? '-');
}

const pct = (v: number | null) => (v === null ? null : `${v.toLocaleString('nl-NL')}%`);

export function registerCoverageRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: { today: () => string },
): void {
  const send = async (
    reply: import('fastify').FastifyReply,
    format: 'json' | 'csv' | 'pdf',
    name: string,
    json: unknown,
    table: () => ReportTable,
  ) => {
    if (format === 'json') return json;
    const t = table();
    if (format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(toCsv(t.columns, t.rows));
    }
    const pdf = await renderReportPdf(t);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${name}.pdf"`)
      .send(Buffer.from(pdf));
  };
  const auditRead = (actor: Actor, requestId: string, action: string, subject: string | null) =>
    appendAudit(db, {
      actorId: actor.userId,
      organisationUra: null,
      action,
      subjectType: 'aggregate',
      subjectId: subject,
      requestId,
    });

  app.get(
    '/api/coverage',
    {
      schema: {
        tags: ['coverage'],
        summary:
          'Coverage per municipality, organisation and nationally (suppressed small numbers); JSON or CSV',
        querystring: z.object({
          referenceDate: isoDateSchema.optional().describe('Default: 1 January of this year'),
          cohorts: z.coerce
            .number()
            .int()
            .min(1)
            .max(15)
            .default(1)
            .describe('Cohorts per indicator (trend)'),
          indicator: z.enum(COVERAGE_INDICATORS.map((i) => i.code) as [string, ...string[]]).optional(),
          threshold: z.coerce.number().int().min(5).max(100).default(10),
          format: z.enum(['json', 'csv']).default('json'),
        }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const only = scope(actor);
      const q = request.query;
      const result = await computeCoverage(db, {
        referenceDate: q.referenceDate ?? `${options.today().slice(0, 4)}-01-01`,
        cohorts: q.cohorts,
        threshold: q.threshold,
        ...(q.indicator ? { indicators: [q.indicator] } : {}),
        ...(only ? { onlyMunicipality: only } : {}),
      });
      await auditRead(actor, request.id, 'coverage.read', only ?? null);
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="vaccinatiegraad.csv"')
          .send(coverageCsv(result.cells));
      }
      return result;
    },
  );

  app.post(
    '/api/coverage/refresh',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Re-judge the persons whose vaccinations changed (or everybody with full=true)',
        body: z.strictObject({ full: z.boolean().default(false) }),
      },
    },
    async (request) => {
      requirePermission(request.actor, 'coverage.national');
      return refreshCoverage(db, { assessmentDate: options.today(), full: request.body.full });
    },
  );

  // Valid vaccinations per organisation per half-year (annex B 18).
  app.get(
    '/api/reports/half-year',
    {
      schema: {
        tags: ['reports'],
        summary: 'Valid vaccinations per organisation and vaccine in a half-year (JSON, CSV, PDF)',
        querystring: z.object({
          year: yearSchema,
          half: z.coerce.number().int().min(1).max(2),
          format: formatSchema,
        }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      requirePermission(actor, 'coverage.national');
      const { year, half, format } = request.query;
      const period = halfYear(year, half as 1 | 2);
      const rows = await vaccinationCounts(db, {
        ...period,
        byMunicipality: false,
        assessmentDate: options.today(),
      });
      await auditRead(actor, request.id, 'report.half-year', `${year}-H${half}`);
      return send(reply, format, `vaccinaties-${year}-H${half}`, { ...period, rows }, () => ({
        title: `Geldige vaccinaties per organisatie, ${half}e halfjaar ${year}`,
        subtitle: `${period.from} t/m ${period.to}. Anoniem: geregistreerd, niet te beoordelen; onder de drempel niet getoond.`,
        columns: ['Organisatie', 'URA', 'Vaccin', 'Geldig', 'Niet geldig', 'Anoniem'],
        rows: rows.map((r) => [
          r.organisationName,
          r.organisationUra,
          r.vaccine,
          r.valid,
          r.notValid,
          r.anonymous,
        ]),
      }));
    },
  );

  // February: per municipality and organisation, the year before (annex B 18).
  app.get(
    '/api/reports/february',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Valid vaccinations per municipality and organisation in a calendar year (the February report)',
        querystring: z.object({ year: yearSchema, format: formatSchema }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const only = scope(actor);
      const { year, format } = request.query;
      const rows = await vaccinationCounts(db, {
        from: `${year}-01-01`,
        to: `${year}-12-31`,
        byMunicipality: true,
        ...(only ? { onlyMunicipality: only } : {}),
        assessmentDate: options.today(),
      });
      await auditRead(actor, request.id, 'report.february', only ?? String(year));
      return send(reply, format, `vaccinaties-gemeenten-${year}`, { year, rows }, () => ({
        title: `Geldige vaccinaties per gemeente en organisatie, ${year}`,
        subtitle: 'Rapportage van februari (Uitvoeringsbepalingen RVP, bijlage B punt 18).',
        columns: ['Organisatie', 'Gemeente', 'Vaccin', 'Geldig', 'Niet geldig', 'Anoniem'],
        rows: rows.map((r) => [
          r.organisationName,
          r.municipalityName ?? '–',
          r.vaccine,
          r.valid,
          r.notValid,
          r.anonymous,
        ]),
      }));
    },
  );

  // July: national coverage (annex B 19).
  app.get(
    '/api/reports/july',
    {
      schema: {
        tags: ['reports'],
        summary: 'National coverage report (July): every indicator, five cohorts',
        querystring: z.object({ year: yearSchema, format: formatSchema }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const only = scope(actor);
      if (only) requirePermission(actor, 'coverage.national');
      const { year, format } = request.query;
      const result = await computeCoverage(db, { referenceDate: `${year}-01-01`, cohorts: 5 });
      const national = result.cells.filter((c) => c.level === 'national');
      await auditRead(actor, request.id, 'report.july', String(year));
      return send(
        reply,
        format,
        `vaccinatiegraad-${year}`,
        { referenceDate: result.referenceDate, indicators: result.indicators, cells: national },
        () => ({
          title: `Vaccinatiegraad Nederland, peildatum ${result.referenceDate}`,
          subtitle: 'Gepersonaliseerd en geschat met anonieme vaccinaties (methode: docs/coverage.md).',
          columns: [
            'Indicator',
            'Cohort',
            'Populatie',
            'Gevaccineerd',
            'Vaccinatiegraad',
            'Schatting incl. anoniem',
          ],
          rows: national.map((c) => [
            label(c),
            c.cohort,
            c.population,
            c.vaccinated,
            pct(c.coverage),
            pct(c.estimatedCoverage),
          ]),
        }),
      );
    },
  );

  // 30 April: last year's coverage and vaccine loss for a municipality, with the explanation.
  app.get(
    '/api/reports/april',
    {
      schema: {
        tags: ['reports'],
        summary:
          "30 April report for a municipality: last year's coverage, the organisation's vaccine loss and its explanation",
        querystring: z.object({
          year: yearSchema.describe('The year reported on'),
          municipality: z.string().regex(/^GM\d{4}$/, 'CBS-code GM0000'),
          format: formatSchema,
        }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const only = scope(actor);
      const { year, municipality, format } = request.query;
      if (only && only !== municipality) {
        throw ruleViolation(
          'query.municipality',
          'own-municipality',
          'U ziet alleen de cijfers van uw eigen gemeente.',
        );
      }
      const mun = await db
        .selectFrom('municipality')
        .select(['code', 'name', 'organisation_ura'])
        .where('code', '=', municipality)
        .executeTakeFirst();
      if (!mun)
        throw ruleViolation('query.municipality', 'municipality-exists', 'Deze gemeente is niet bekend.');
      const coverage = await computeCoverage(db, {
        referenceDate: `${year + 1}-01-01`,
        cohorts: 2,
        onlyMunicipality: municipality,
      });
      const loss = mun.organisation_ura
        ? await organisationLoss(db, {
            organisationUra: mun.organisation_ura,
            from: inventoryDayOnOrBefore(`${year - 1}-12-31`),
            to: inventoryDayOnOrBefore(`${year}-12-31`),
            assessmentDate: options.today(),
            actorId: actor.userId,
          })
        : null;
      const explanation = mun.organisation_ura
        ? await withReportTables(db)
            .selectFrom('report_explanation')
            .select(['text', 'registered_at'])
            .where('organisation_ura', '=', mun.organisation_ura)
            .where('year', '=', year)
            .executeTakeFirst()
        : undefined;
      const budget = await budgetReport(db, {
        year,
        onlyMunicipality: municipality,
        assessmentDate: options.today(),
      });
      await auditRead(actor, request.id, 'report.april', municipality);
      const body = {
        year,
        municipality: { code: mun.code, name: mun.name, organisationUra: mun.organisation_ura },
        coverage: coverage.cells,
        indicators: coverage.indicators,
        loss,
        explanation: explanation?.text ?? null,
        budget: budget[0] ?? null,
      };
      return send(reply, format, `jaarrapportage-${municipality}-${year}`, body, () => ({
        title: `Jaarrapportage ${year}: ${mun.name}`,
        subtitle:
          'Vaccinatiegraad, vaccinverlies en toelichting (Overeenkomst art. 6.2b; uiterlijk 30 april).',
        columns: [
          'Onderdeel',
          'Cohort / vaccin',
          'Aantal',
          'Gevaccineerd / verlies',
          'Percentage',
          'Schatting incl. anoniem',
        ],
        rows: [
          ...coverage.cells.map((c) => [
            label(c),
            c.cohort,
            c.population,
            c.vaccinated,
            pct(c.coverage),
            pct(c.estimatedCoverage),
          ]),
          ...(loss?.vaccines ?? []).map((v) => [
            'Vaccinverlies',
            v.vaccineType,
            v.administrativeUse,
            v.loss,
            v.lossPercent === null ? null : `${v.lossPercent}%`,
            v.flagged ? 'boven 1%' : '',
          ]),
        ],
        notes: [
          `Toelichting van de organisatie: ${explanation?.text ?? '(nog niet ontvangen)'}`,
          ...(budget[0]
            ? [
                `Budget € ${budget[0].budget.toFixed(2)}; nodig op basis van ${budget[0].validVaccinations} vaccinaties € ${budget[0].needed.toFixed(2)}; naar egalisatiereserve € ${budget[0].toEqualisationReserve.toFixed(2)}.`,
              ]
            : []),
          'Cellen met minder dan 10 personen worden niet getoond (–).',
        ],
      }));
    },
  );

  app.put(
    '/api/reports/explanations/:ura/:year',
    {
      schema: {
        tags: ['reports'],
        summary: "Register the organisation's explanation with the 30 April report",
        params: z.object({ ura: z.string().regex(/^\d{8}$/, 'URA: 8 cijfers'), year: yearSchema }),
        body: z.strictObject({ text: z.string().trim().min(1).max(5000) }),
      },
    },
    async (request) => {
      const actor = requirePermission(request.actor, 'report.manage');
      const { ura, year } = request.params;
      const rdb = withReportTables(db);
      return rdb.transaction().execute(async (trx) => {
        const org = await trx
          .selectFrom('organisation')
          .select('ura')
          .where('ura', '=', ura)
          .executeTakeFirst();
        if (!org)
          throw ruleViolation('params.ura', 'organisation-exists', 'Deze organisatie is niet bekend.');
        await trx
          .insertInto('report_explanation')
          .values({ organisation_ura: ura, year, text: request.body.text, registered_by: actor.userId })
          .onConflict((oc) =>
            oc.columns(['organisation_ura', 'year']).doUpdateSet({
              text: request.body.text,
              registered_by: actor.userId,
              registered_at: new Date(),
            }),
          )
          .execute();
        await appendAudit(trx, {
          actorId: actor.userId,
          organisationUra: null,
          action: 'report.explanation',
          subjectType: 'organisation',
          subjectId: ura,
          requestId: request.id,
        });
        return { organisationUra: ura, year, text: request.body.text };
      });
    },
  );

  app.get(
    '/api/reports/budget',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Budget per municipality against actual valid vaccinations; the difference to the equalisation reserve',
        querystring: z.object({ year: yearSchema, format: formatSchema }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const only = scope(actor);
      const rows = await budgetReport(db, {
        year: request.query.year,
        ...(only ? { onlyMunicipality: only } : {}),
        assessmentDate: options.today(),
      });
      await auditRead(actor, request.id, 'report.budget', only ?? String(request.query.year));
      return send(
        reply,
        request.query.format,
        `budget-${request.query.year}`,
        { year: request.query.year, rows },
        () => ({
          title: `Budget en werkelijke vaccinaties ${request.query.year}`,
          subtitle: 'Overeenkomst art. 6.2d: het saldo gaat naar (of komt uit) de egalisatiereserve RVP.',
          columns: [
            'Gemeente',
            'Budget (€)',
            'Prijs/vaccinatie (€)',
            'Geldige vaccinaties',
            'Nodig (€)',
            'Naar egalisatiereserve (€)',
          ],
          rows: rows.map((r) => [
            r.municipalityName,
            r.budget.toFixed(2),
            r.pricePerVaccination.toFixed(2),
            r.validVaccinations,
            r.needed.toFixed(2),
            r.toEqualisationReserve.toFixed(2),
          ]),
        }),
      );
    },
  );

  app.post(
    '/api/reports/coverage-signals',
    {
      schema: {
        tags: ['reports'],
        summary:
          'Open a consultation item for every municipality whose coverage fell (threshold in percentage points)',
        body: z.strictObject({
          referenceDate: isoDateSchema,
          thresholdPoints: z.number().min(0.1).max(50).default(2),
          floor: z.number().min(0).max(100).optional(),
        }),
      },
    },
    async (request) => {
      const actor = requirePermission(request.actor, 'report.manage');
      return openCoverageSignals(db, { ...request.body, actorId: actor.userId });
    },
  );

  app.get(
    '/api/consultations',
    { schema: { tags: ['reports'], summary: 'Consultation items (falling coverage, loss above 1%)' } },
    async (request) => {
      const actor = request.actor!;
      const only = scope(actor);
      let q = withReportTables(db)
        .selectFrom('consultation_item')
        .selectAll()
        .orderBy('opened_at', 'desc')
        .limit(500);
      if (only) q = q.where('municipality_code', '=', only);
      const rows = await q.execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          municipalityCode: r.municipality_code,
          organisationUra: r.organisation_ura,
          subject: r.subject,
          period: r.period,
          details: r.details,
          status: r.status,
          openedAt: new Date(r.opened_at).toISOString(),
        })),
      };
    },
  );
}

function label(c: CoverageCell): string {
  return COVERAGE_INDICATORS.find((i) => i.code === c.indicator)?.label ?? c.indicator;
}
