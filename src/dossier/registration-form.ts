import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import { normalisePostcode } from '../domain/identifiers/index.js';
import {
  REGISTRATION_FORM_SCHEMA,
  registrationFormSchema,
  type RegistrationForm,
} from '../domain/transfer/index.js';
import type { Logger } from 'pino';
import { signingKeyFor } from '../exchange/keys.js';
import type { DeliveryReport } from '../exchange/sender.js';
import { signPayload } from '../exchange/signing.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { organisationOf, type RequestContext } from './clients.js';
import { consentForExchange } from './consent.js';
import type { DossierSchema } from './schema.js';
import { inOrganisation } from './scope.js';

/**
 * R-V6 (seed 001 Bijlage 3): a youth without a BSN cannot go through the message exchange, so the
 * organisation reports the vaccination with the registration form, the RVP Online analogue: with the
 * identifying data the dossier has when consent is given, anonymous otherwise. The form replaces the
 * activity's anonymous message: whatever of it still waits in the outbox is superseded.
 */

export interface FormPreview {
  clientId: string;
  activityPk: string;
  consentDecision: 'toestemming' | 'geen-toestemming';
  /** The form as it would be sent: personalised only with consent. */
  form: RegistrationForm;
  submissions: Array<{
    kind: string;
    outcome: string;
    version: number;
    submittedAt: string;
    registryReason: string | null;
  }>;
}

type Trx = Kysely<DossierSchema> | Transaction<DossierSchema>;

/** The client (no BSN), the own activity and its active vaccinations, or a problem naming the rule. */
async function loadSubject(trx: Trx, ura: string, clientId: string, activityPk: string) {
  const client = await trx
    .selectFrom('client')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (!client) throw notFound('Deze cliënt');
  if (client.bsn !== null) {
    throw ruleViolation(
      'params.id',
      'no-bsn-only',
      'Deze jeugdige heeft een BSN: de vaccinatie gaat via het berichtenverkeer, niet via het registratieformulier.',
    );
  }
  const activity = await trx
    .selectFrom('activity')
    .selectAll()
    .where('id', '=', activityPk)
    .where('client_id', '=', clientId)
    .where('organisation_ura', '=', ura)
    .executeTakeFirst();
  if (!activity) throw notFound('Deze activiteit');
  if (activity.origin_ura !== ura) {
    throw ruleViolation('body.activityPk', 'own-activity', 'Alleen een eigen vaccinatie wordt gemeld.');
  }
  const vaccinations = await trx
    .selectFrom('vaccination')
    .selectAll()
    .where('activity_pk', '=', activityPk)
    .where('status', '=', 'active')
    .orderBy('vaccination_date')
    .execute();
  return { client, activity, vaccinations };
}

/** The form of one version of the activity: personalised (only with consent) or anonymous. */
function composeForm(
  subject: Awaited<ReturnType<typeof loadSubject>>,
  ura: string,
  version: number,
  consent: { decision: string; since: string | null },
  personalised: boolean,
  today: string,
): RegistrationForm {
  const { client, activity, vaccinations } = subject;
  const common = {
    schema: REGISTRATION_FORM_SCHEMA,
    organisationUra: ura,
    version,
    activity: { id: activity.activity_id, type: activity.activity_type, date: activity.activity_date },
    vaccinations: vaccinations.map((v) => ({
      vaccineType: v.vaccine_type,
      date: v.vaccination_date,
      batchNumber: v.batch_number,
      performer: v.performer,
      location: v.location,
    })),
  };
  return registrationFormSchema.parse(
    personalised
      ? {
          ...common,
          kind: 'personalised',
          identity: {
            givenName: client.given_name,
            prefix: client.name_prefix,
            familyName: client.family_name,
            gender: client.gender,
            birthDate: client.birth_date,
            postcode: client.postcode ? normalisePostcode(client.postcode) : null,
            houseNumber: client.house_number,
          },
          consent: { given: true, date: consent.since ?? today, organisationUra: ura },
        }
      : { ...common, kind: 'anonymous' },
  );
}

async function prepare(
  db: Kysely<DossierSchema>,
  ura: string,
  clientId: string,
  activityPk: string,
  today: string,
  personalised: boolean | undefined,
) {
  return inOrganisation(db, ura, async (trx) => {
    const subject = await loadSubject(trx, ura, clientId, activityPk);
    if (subject.vaccinations.length === 0) {
      throw ruleViolation('body.activityPk', 'has-vaccinations', 'Deze activiteit heeft geen vaccinaties.');
    }
    const consent = await consentForExchange(trx, ura, clientId, today);
    const wantPersonal = personalised ?? consent.decision === 'toestemming';
    if (wantPersonal && consent.decision !== 'toestemming') {
      throw ruleViolation(
        'body.personalised',
        'personalised-needs-consent',
        'Zonder toestemming voor gegevensuitwisseling gaat het formulier zonder persoonsgegevens.',
      );
    }
    const form = composeForm(subject, ura, subject.activity.version, consent, wantPersonal, today);
    const submissions = await trx
      .selectFrom('registration_form_submission')
      .selectAll()
      .where('activity_pk', '=', activityPk)
      .orderBy('submitted_at', 'desc')
      .execute();
    return {
      clientId,
      activityPk,
      consentDecision: consent.decision,
      form,
      submissions: submissions.map((s) => ({
        kind: s.kind,
        outcome: s.outcome,
        version: s.version,
        submittedAt: new Date(s.submitted_at).toISOString(),
        registryReason: s.registry_reason,
      })),
    } satisfies FormPreview;
  });
}

export async function previewRegistrationForm(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  activityPk: string,
  today: string,
): Promise<FormPreview> {
  requirePermission(ctx.actor, 'vaccination.record');
  return prepare(db, organisationOf(ctx.actor), clientId, activityPk, today, undefined);
}

/** Signs the form with the organisation's key and submits it to the registry; records the answer. */
export async function submitRegistrationForm(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  body: { activityPk: string; personalised: boolean },
  today: string,
  registryUrl: () => string,
  doFetch: typeof fetch = fetch,
): Promise<{
  outcome: string;
  reference: string | null;
  reason: string | null;
  kind: 'personalised' | 'anonymous';
}> {
  requirePermission(ctx.actor, 'vaccination.record');
  const ura = organisationOf(ctx.actor);
  const { form } = await prepare(db, ura, clientId, body.activityPk, today, body.personalised);
  const jws = await signPayload(form, await signingKeyFor(db, ura));
  let answer: RegistryAnswer;
  try {
    answer = await postForm(registryUrl(), jws, doFetch);
  } catch {
    throw new ProblemError(
      502,
      'registry-unavailable',
      'Register niet bereikbaar',
      'Het register is nu niet bereikbaar; het formulier is niet verstuurd. Probeer het later opnieuw.',
    );
  }
  await inOrganisation(db, ura, async (trx) => {
    if (answer.outcome !== 'refused' && answer.outcome !== 'stale') {
      // The form is this activity's report now: its anonymous message must not follow.
      await trx
        .updateTable('outbox_message')
        .set({ state: 'superseded' })
        .where('activity_pk', '=', body.activityPk)
        .where('state', '=', 'queued')
        .execute();
    }
    await trx
      .insertInto('registration_form_submission')
      .values({
        organisation_ura: ura,
        client_id: clientId,
        activity_pk: body.activityPk,
        version: form.version,
        kind: form.kind,
        outcome: answer.outcome,
        registry_reference: answer.reference ?? null,
        registry_reason: answer.reason ?? null,
        submitted_by: ctx.actor.userId,
      })
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: `registration-form.submit.${form.kind}`,
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
  });
  return {
    outcome: answer.outcome,
    reference: answer.reference ?? null,
    reason: answer.reason ?? null,
    kind: form.kind,
  };
}

interface RegistryAnswer {
  outcome: string;
  reference?: string;
  reason?: string;
  rule?: string;
}

async function postForm(registryUrl: string, jws: string, doFetch: typeof fetch): Promise<RegistryAnswer> {
  const response = await doFetch(`${registryUrl}/api/exchange/registration-forms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ form: jws }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`registry answered ${response.status}`);
  const answer = (await response.json()) as Partial<RegistryAnswer>;
  if (typeof answer.outcome !== 'string') throw new Error('registry answered without an outcome');
  return answer as RegistryAnswer;
}

/**
 * A form-reported activity whose every vaccination was cancelled: the registry drops what the form
 * left. The registry's intake (src/registry/registration-form.ts) validates it; both sides should
 * take this type from src/domain/transfer/ once that module carries it.
 */
export interface FormRetraction {
  schema: typeof REGISTRATION_FORM_SCHEMA;
  kind: 'retraction';
  organisationUra: string;
  version: number;
  activity: { id: string };
}

/** Registry answers meaning it holds the form (stored, on its worklist, or already had it). */
const FORM_HELD = ['matched', 'unmatched', 'anonymous', 'duplicate'];

/**
 * Which of these activities the registry holds from a registration form: a form was submitted and
 * taken, and the youth still has no BSN. Their outbox rows (corrections, cancellations, repairs) go
 * as a form again — a 4a would replace a personalised form with anonymous rows (docs/transfer.md).
 */
export async function activitiesReportedByForm(
  db: Kysely<DossierSchema>,
  activityPks: readonly string[],
): Promise<Set<string>> {
  if (activityPks.length === 0) return new Set();
  const rows = await db
    .selectFrom('registration_form_submission as s')
    .innerJoin('client as c', 'c.id', 's.client_id')
    .select('s.activity_pk')
    .distinct()
    .where('s.activity_pk', 'in', [...activityPks])
    .where('s.outcome', 'in', FORM_HELD)
    .where('c.bsn', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.activity_pk));
}

export interface FormResendRow {
  id: string;
  activity_pk: string;
  organisation_ura: string;
  version: number;
  attempts: number;
}

export interface FormResendOptions {
  db: Kysely<DossierSchema>;
  registryUrl: () => string;
  today: () => string;
  now: () => Date;
  /** When a failed row is due again, after its n-th attempt (the sender's backoff). */
  retryAt: (attempts: number) => Date;
  fetch?: typeof fetch;
  log?: Pick<Logger, 'info' | 'warn'>;
}

/** The outbox row's version as a form: personalised when consent allows today; a retraction when nothing is left. */
async function buildResend(trx: Trx, row: FormResendRow, today: string) {
  const ura = row.organisation_ura;
  const { client_id: clientId } = await trx
    .selectFrom('activity')
    .select('client_id')
    .where('id', '=', row.activity_pk)
    .executeTakeFirstOrThrow();
  const subject = await loadSubject(trx, ura, clientId, row.activity_pk);
  // Consent on the day of sending decides, as for a message (docs/exchange.md).
  const consent = await consentForExchange(trx, ura, clientId, today);
  const personalised = consent.decision === 'toestemming';
  const payload: RegistrationForm | FormRetraction =
    subject.vaccinations.length === 0
      ? {
          schema: REGISTRATION_FORM_SCHEMA,
          kind: 'retraction',
          organisationUra: ura,
          version: row.version,
          activity: { id: subject.activity.activity_id },
        }
      : composeForm(subject, ura, row.version, consent, personalised, today);
  // A retraction carries nothing personal; it counts as the kind consent allowed, so the daily
  // repair (R-C5) does not resend it over and over.
  return { clientId, payload, kind: personalised ? ('personalised' as const) : ('anonymous' as const) };
}

/**
 * Delivers outbox rows of form-reported activities as forms, one request each, with the outbox's
 * guarantees: a row stays queued (attempts + 1, next attempt after the backoff) until the registry
 * answers, and the registry's intake is idempotent by (URA, activity id, version).
 */
export async function resendRegistrationForms(
  options: FormResendOptions,
  rows: readonly FormResendRow[],
  report: DeliveryReport,
): Promise<void> {
  const { db } = options;
  let unreachable: string | null = null;
  const fail = async (row: FormResendRow, reason: string) => {
    const attempts = row.attempts + 1;
    await db
      .updateTable('outbox_message')
      .set({ attempts, last_error: reason.slice(0, 500), next_attempt_at: options.retryAt(attempts) })
      .where('id', '=', row.id)
      .where('state', '=', 'queued')
      .execute();
    report.failed++;
  };
  for (const row of rows) {
    report.attempted++;
    let built: Awaited<ReturnType<typeof buildResend>>;
    let jws: string;
    try {
      built = await inOrganisation(db, row.organisation_ura, (trx) => buildResend(trx, row, options.today()));
      jws = await signPayload(built.payload, await signingKeyFor(db, row.organisation_ura));
    } catch (error) {
      await fail(
        row,
        `Formulier niet op te bouwen: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    // Once the registry is unreachable the rest of this run waits too, rather than each timing out.
    if (unreachable) {
      await fail(row, unreachable);
      continue;
    }
    let answer: RegistryAnswer;
    try {
      answer = await postForm(options.registryUrl(), jws, options.fetch ?? fetch);
    } catch (error) {
      unreachable = error instanceof Error ? error.message : String(error);
      options.log?.warn({ reason: unreachable }, 'registration form resend failed; will retry');
      await fail(row, unreachable);
      continue;
    }
    const state = answer.outcome === 'unmatched' ? 'held' : answer.outcome === 'refused' ? 'refused' : 'sent';
    await inOrganisation(db, row.organisation_ura, async (trx) => {
      await trx
        .updateTable('outbox_message')
        .set({
          state,
          attempts: row.attempts + 1,
          sent_kind: built.kind,
          sent_at: options.now(),
          last_error: null,
          registry_outcome: answer.outcome,
          registry_reason: answer.reason ?? null,
        })
        .where('id', '=', row.id)
        .where('state', '=', 'queued')
        .execute();
      await trx
        .insertInto('registration_form_submission')
        .values({
          organisation_ura: row.organisation_ura,
          client_id: built.clientId,
          activity_pk: row.activity_pk,
          version: row.version,
          kind: built.kind,
          outcome: answer.outcome,
          registry_reference: answer.reference ?? null,
          registry_reason: answer.reason ?? null,
          submitted_by: 'exchange',
        })
        .execute();
    });
    if (state === 'sent') {
      report.sent++;
      report[built.kind]++;
    } else if (state === 'held') report.held++;
    else report.refused++;
  }
}

export function registerRegistrationFormRoutes(
  app: App,
  db: Kysely<DossierSchema>,
  today: () => string,
  registryUrl: () => string,
): void {
  const ctx = (request: { actor: Actor | null; id: string }): RequestContext => ({
    actor: request.actor!,
    requestId: request.id,
  });
  app.get(
    '/api/clients/:id/registration-form',
    {
      schema: {
        tags: ['registration-form'],
        summary: 'The registration form for a vaccination of a youth without BSN, as it would be sent (R-V6)',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ activityPk: z.uuid() }),
      },
    },
    async (request) =>
      previewRegistrationForm(db, ctx(request), request.params.id, request.query.activityPk, today()),
  );
  app.post(
    '/api/clients/:id/registration-form',
    {
      schema: {
        tags: ['registration-form'],
        summary: 'Submit the registration form to the registry (RVP Online analogue, R-V6)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({
          activityPk: z.uuid(),
          personalised: z.boolean().describe('With personal data: only with exchange consent'),
        }),
        response: {
          200: z.object({
            outcome: z.string(),
            reference: z.string().nullable(),
            reason: z.string().nullable(),
            kind: z.enum(['personalised', 'anonymous']),
          }),
        },
      },
    },
    async (request) =>
      submitRegistrationForm(db, ctx(request), request.params.id, request.body, today(), registryUrl),
  );
}
