import type { Kysely } from 'kysely';
import { requirePermission } from '../http/policy.js';
import { z } from 'zod';
import { isoDateInZone, isoDateSchema } from '../domain/dates/index.js';
import { isValidUra } from '../domain/identifiers/index.js';
import { VACCINE_TYPES } from '../domain/messages/index.js';
import { verifySigned, type KeyResolver } from '../exchange/signing.js';
import type { App } from '../http/app.js';
import { notFound, ProblemError } from '../http/problem.js';
import { PDFDocument } from 'pdf-lib';
import { formatPersonName } from '../domain/names.js';
import { renderInvitationLetter } from './letters.js';
import { assessSchedule, loadRegistryDoses } from './schedule-service.js';
import { listRuns, runInvitations } from './invitations.js';
import type { RegistrySchema } from './schema.js';

const RunSchema = z.object({
  id: z.string(),
  kind: z.enum(['invitation', 'reminder', 'group-session']),
  from: z.string(),
  to: z.string(),
  sessionDate: z.string().nullable(),
  organisationUra: z.string().nullable(),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  personsSeen: z.number(),
  invitations: z.number(),
  letters: z.number(),
});

/** Invitation and reminder runs, their letters (R-R4), and call lists for organisations (bericht 7). */
export function registerInvitationRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  options: { today: () => string; trustedKeys: () => KeyResolver },
): void {
  app.post(
    '/api/invitation-runs',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Start (or continue) an invitation, reminder or group-session run; idempotent per period',
        body: z.strictObject({
          kind: z.enum(['invitation', 'reminder', 'group-session']),
          from: isoDateSchema,
          to: isoDateSchema,
          sessionDate: isoDateSchema.optional(),
          organisationUra: z.string().refine(isValidUra, 'URA: 8 cijfers').optional(),
        }),
        response: { 200: RunSchema },
      },
    },
    async (request) => {
      const actor = request.actor!;
      requirePermission(actor, 'registry.run.start');
      return runInvitations(db, { ...request.body, startedBy: actor.userId, today: options.today() });
    },
  );

  // The organisation's one double-sided A4 insert (R-R4), uploaded as application/pdf.
  app.addContentTypeParser(
    'application/pdf',
    { parseAs: 'buffer', bodyLimit: 5 * 1_048_576 },
    (_request, body, done) => done(null, body),
  );
  app.put(
    '/api/organisations/:ura/insert',
    {
      schema: {
        tags: ['invitations'],
        summary:
          'Set the organisation’s insert for its letters: a PDF of at most one double-sided A4 (2 pages)',
        params: z.object({ ura: z.string().refine(isValidUra, 'URA: 8 cijfers') }),
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request.actor, 'registry.insert.upload');
      const body = request.body;
      const refuse = (rule: string, message: string) =>
        new ProblemError(422, 'rule-violation', 'Bijlage geweigerd', message, [
          { field: 'body', rule, message },
        ]);
      if (!Buffer.isBuffer(body)) throw refuse('pdf-required', 'Stuur de bijlage als application/pdf.');
      let pages: number;
      try {
        pages = (await PDFDocument.load(body)).getPageCount();
      } catch {
        throw refuse('pdf-invalid', 'Dit is geen leesbare PDF.');
      }
      if (pages > 2)
        throw refuse('insert-one-sheet', `Eén dubbelzijdig A4-vel: hoogstens 2 pagina's (nu ${pages}).`);
      const known = await db
        .selectFrom('organisation')
        .select('ura')
        .where('ura', '=', request.params.ura)
        .executeTakeFirst();
      if (!known) throw notFound('Deze organisatie');
      await db
        .insertInto('organisation_insert')
        .values({ organisation_ura: request.params.ura, pdf: body, uploaded_by: actor.userId })
        .onConflict((oc) =>
          oc
            .column('organisation_ura')
            .doUpdateSet({ pdf: body, uploaded_by: actor.userId, uploaded_at: new Date() }),
        )
        .execute();
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/invitation-runs',
    { schema: { tags: ['invitations'], response: { 200: z.object({ items: z.array(RunSchema) }) } } },
    async (request) => {
      requirePermission(request.actor, 'registry.run.read');
      return { items: await listRuns(db) };
    },
  );

  app.get(
    '/api/invitation-runs/:id/letters',
    {
      schema: {
        tags: ['invitations'],
        params: z.object({ id: z.uuid() }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      requirePermission(request.actor, 'registry.run.read');
      const letters = await db
        .selectFrom('invitation_letter as l')
        .innerJoin('person as p', 'p.id', 'l.person_id')
        .select([
          'l.id',
          'l.kind',
          'l.with_certificate',
          'l.organisation_ura',
          'p.id as person_id',
          'p.given_name',
          'p.name_prefix',
          'p.family_name',
          'p.birth_date',
        ])
        .where('l.run_id', '=', request.params.id)
        .orderBy('p.family_name')
        .limit(request.query.limit)
        .offset(request.query.offset)
        .execute();
      const items = await db
        .selectFrom('invitation')
        .select(['letter_id', 'vaccine_group', 'dose_number', 'due_date', 'description'])
        .where('run_id', '=', request.params.id)
        .execute();
      return {
        items: letters.map((l) => ({
          id: l.id,
          kind: l.kind,
          withCertificate: l.with_certificate,
          organisationUra: l.organisation_ura,
          personId: l.person_id,
          name: formatPersonName(l.given_name, l.name_prefix, l.family_name),
          birthDate: l.birth_date,
          invitations: items
            .filter((i) => i.letter_id === l.id)
            .map((i) => ({
              vaccineGroup: i.vaccine_group,
              doseNumber: i.dose_number,
              dueDate: i.due_date,
              description: i.description,
            })),
        })),
      };
    },
  );

  app.get(
    '/api/invitation-letters/:id/pdf',
    {
      schema: {
        tags: ['invitations'],
        summary: 'The letter as PDF (rendered on demand)',
        params: z.object({ id: z.uuid() }),
      },
    },
    async (request, reply) => {
      requirePermission(request.actor, 'registry.run.read');
      const letter = await db
        .selectFrom('invitation_letter as l')
        .innerJoin('person as p', 'p.id', 'l.person_id')
        .leftJoin('organisation as o', 'o.ura', 'l.organisation_ura')
        .select([
          'l.id',
          'l.kind',
          'l.with_certificate',
          'l.organisation_ura',
          'l.created_at',
          'p.id as person_id',
          'p.given_name',
          'p.name_prefix',
          'p.family_name',
          'p.birth_date',
          'p.street',
          'p.house_number',
          'p.house_letter',
          'p.house_number_addition',
          'p.postcode',
          'p.city',
          'o.name as organisation_name',
        ])
        .where('l.id', '=', request.params.id)
        .executeTakeFirst();
      if (!letter) throw notFound('Deze brief');
      const items = await db
        .selectFrom('invitation')
        .selectAll()
        .where('letter_id', '=', letter.id)
        .orderBy('vaccine_group')
        .execute();
      const name = formatPersonName(letter.given_name, letter.name_prefix, letter.family_name);
      const insert = letter.organisation_ura
        ? await db
            .selectFrom('organisation_insert')
            .select('pdf')
            .where('organisation_ura', '=', letter.organisation_ura)
            .executeTakeFirst()
        : undefined;
      const minor = Number(options.today().slice(0, 4)) - Number(letter.birth_date.slice(0, 4)) < 18;
      const certificate = letter.with_certificate
        ? (await loadRegistryDoses(db, letter.person_id)).map((d) => ({
            vaccine: VACCINE_TYPES.find((v) => v.code === d.vaccineType)?.name ?? d.vaccineType,
            date: d.date,
            batchNumber: '-',
          }))
        : undefined;
      const pdf = await renderInvitationLetter({
        kind: letter.kind === 'reminder' ? 'reminder' : 'invitation',
        person: {
          name,
          birthDate: letter.birth_date,
          addressLines: [
            minor ? `Aan de ouder(s)/verzorger(s) van ${name}` : name,
            [
              letter.street,
              [letter.house_number, letter.house_letter, letter.house_number_addition]
                .filter(Boolean)
                .join(''),
            ]
              .filter(Boolean)
              .join(' '),
            [letter.postcode, letter.city].filter(Boolean).join('  '),
          ].filter((line) => line.trim() !== ''),
        },
        organisation: { name: letter.organisation_name ?? 'uw GGD' },
        items: items.map((i) => ({
          invitationId: i.id.slice(0, 18).toUpperCase(),
          vaccineGroup: i.vaccine_group,
          description: i.description,
          dueDate: i.due_date,
          doseNumber: i.dose_number,
        })),
        ...(certificate ? { certificate } : {}),
        ...(insert ? { insert: new Uint8Array(insert.pdf) } : {}),
        issuedOn: isoDateInZone(new Date(letter.created_at)),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="brief-${letter.id}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );

  // Call list (bericht 7): everyone of the organisation's area with a vaccination due or overdue in
  // the period, outside the consent question (R-R4). Signed by the organisation, like the status query.
  app.post(
    '/api/exchange/call-list',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Call list (bericht 7) for the signing organisation',
        body: z.strictObject({ request: z.string().min(1).max(100_000) }),
      },
    },
    async (request) => {
      const verified = await verifySigned(request.body.request, options.trustedKeys());
      if (!verified.ok)
        throw new ProblemError(401, verified.rule, 'Ondertekening geweigerd', verified.reason);
      const parsed = z
        .strictObject({
          schema: z.literal('open-rvp/call-list/v1'),
          organisationUra: z.string(),
          from: isoDateSchema,
          to: isoDateSchema,
        })
        .safeParse(verified.payload);
      if (!parsed.success || parsed.data.organisationUra !== verified.signerUra) {
        throw new ProblemError(
          400,
          'validation',
          'Ongeldige aanvraag',
          'Verwacht: schema, organisationUra (de ondertekenaar), from, to.',
        );
      }
      const { organisationUra, from, to } = parsed.data;
      const persons = await db
        .selectFrom('person as p')
        .innerJoin('municipality as m', 'm.code', 'p.municipality_code')
        .select([
          'p.id',
          'p.bsn',
          'p.given_name',
          'p.name_prefix',
          'p.family_name',
          'p.birth_date',
          'p.gender',
          'p.postcode',
          'p.house_number',
        ])
        .where('m.organisation_ura', '=', organisationUra)
        .where('p.deceased_on', 'is', null)
        .where('p.emigrated_on', 'is', null)
        .where('p.birth_date', '>', `${Number(to.slice(0, 4)) - 19}${to.slice(4)}`)
        .execute();
      const items = [];
      for (const person of persons) {
        const assessment = assessSchedule(
          { birthDate: person.birth_date, gender: person.gender },
          await loadRegistryDoses(db, person.id),
          to,
        );
        for (const group of assessment.vaccineGroups) {
          if (
            group.seriesStatus !== 'Not complete' ||
            !group.recommended ||
            group.recommended < from ||
            group.recommended > to
          )
            continue;
          items.push({
            bsn: person.bsn,
            name: formatPersonName(person.given_name, person.name_prefix, person.family_name),
            birthDate: person.birth_date,
            postcode: person.postcode,
            houseNumber: person.house_number,
            vaccineGroup: group.vaccineGroup,
            doseNumber: group.doseNumber,
            dueDate: group.recommended,
            status: group.status,
          });
        }
      }
      await db
        .insertInto('audit_event')
        .values({
          actor_id: `exchange:${organisationUra}`,
          organisation_ura: organisationUra,
          action: 'call-list',
          subject_type: 'organisation',
          subject_id: organisationUra,
          request_id: request.id,
        })
        .execute();
      return { organisationUra, from, to, items };
    },
  );
}
