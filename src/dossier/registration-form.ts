import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import { normalisePostcode } from '../domain/identifiers/index.js';
import {
  REGISTRATION_FORM_SCHEMA,
  registrationFormSchema,
  type RegistrationForm,
} from '../domain/transfer/index.js';
import { signingKeyFor } from '../exchange/keys.js';
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

async function prepare(
  db: Kysely<DossierSchema>,
  ura: string,
  clientId: string,
  activityPk: string,
  today: string,
  personalised: boolean | undefined,
) {
  return inOrganisation(db, ura, async (trx) => {
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
    if (vaccinations.length === 0) {
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
    const common = {
      schema: REGISTRATION_FORM_SCHEMA,
      organisationUra: ura,
      version: activity.version,
      activity: { id: activity.activity_id, type: activity.activity_type, date: activity.activity_date },
      vaccinations: vaccinations.map((v) => ({
        vaccineType: v.vaccine_type,
        date: v.vaccination_date,
        batchNumber: v.batch_number,
        performer: v.performer,
        location: v.location,
      })),
    };
    const form: RegistrationForm = registrationFormSchema.parse(
      wantPersonal
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
  let answer: { outcome: string; reference?: string; reason?: string; rule?: string };
  try {
    const response = await doFetch(`${registryUrl()}/api/exchange/registration-forms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ form: jws }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`registry answered ${response.status}`);
    answer = (await response.json()) as typeof answer;
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
