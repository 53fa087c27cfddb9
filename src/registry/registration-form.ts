import type { Generated, Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import {
  matchPerson,
  nameKey,
  REGISTRATION_FORM_SCHEMA,
  registrationFormSchema,
  type PersonalisedForm,
  type RegistrationForm,
} from '../domain/transfer/index.js';
import { verifySigned, type KeyResolver } from '../exchange/signing.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { lockIntakeKeysAndAuditChain } from './intake-locks.js';
import type { RegistrySchema } from './schema.js';

/** Kysely types of migration registry/012. */
export interface RegistrationFormTables {
  registration_form: {
    id: Generated<string>;
    organisation_ura: string;
    activity_id: string;
    version: number;
    kind: 'personalised' | 'anonymous';
    status: 'matched' | 'unmatched' | 'anonymous' | 'kept-anonymous';
    person_id: string | null;
    identity: unknown;
    consent_date: string | null;
    activity: unknown;
    vaccinations: unknown;
    received_at: Generated<Date>;
    resolved_by: string | null;
    resolved_at: Date | null;
  };
}

type Trx = Kysely<RegistrySchema> | Transaction<RegistrySchema>;

export type FormOutcome =
  'matched' | 'unmatched' | 'anonymous' | 'retracted' | 'duplicate' | 'stale' | 'refused';

/**
 * Every vaccination of a form-reported activity was cancelled: what the form left goes (the dossier
 * resends through its outbox, src/dossier/registration-form.ts). Belongs next to the form's schema in
 * src/domain/transfer/ once that module takes it; the form schema there requires a vaccination.
 */
export const formRetractionSchema = z.strictObject({
  schema: z.literal(REGISTRATION_FORM_SCHEMA),
  kind: z.literal('retraction'),
  organisationUra: z.string().regex(/^\d{8}$/), // BDS 603
  version: z.number().int().min(1),
  activity: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9]{1,10}$/) }), // BDS 1377
});
export type FormRetraction = z.infer<typeof formRetractionSchema>;

export interface FormResult {
  outcome: FormOutcome;
  reference?: string;
  rule?: string;
  reason?: string;
}

const activityKey = (form: { organisationUra: string; activity: { id: string } }) => ({
  organisationUra: form.organisationUra,
  activityId: form.activity.id,
});

/**
 * Stores a form's vaccinations the way intake stores a message of the same activity (R-V4): the form
 * replaces whatever an earlier message or form of that (URA, activity id) left, and the activity's
 * version is recorded so a later 4a of the same version is a duplicate, not a second row.
 */
async function storeVaccinations(
  trx: Trx,
  form: RegistrationForm,
  personId: string | null,
  consentDate: string | null,
): Promise<void> {
  const ura = form.organisationUra;
  const activityId = form.activity.id;
  await trx
    .deleteFrom('vaccination_event')
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
    .execute();
  await trx
    .deleteFrom('anonymous_vaccination')
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
    .execute();
  if (personId) {
    await trx
      .insertInto('vaccination_event')
      .values(
        form.vaccinations.map((v) => ({
          person_id: personId,
          organisation_ura: ura,
          activity_id: activityId,
          activity_type: form.activity.type,
          activity_date: form.activity.date,
          version: form.version,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
          objection: null,
        })),
      )
      .execute();
    if (consentDate) {
      // R-C7: only that consent was given, its date, and by which organisation.
      await trx
        .insertInto('consent_fact')
        .values({ person_id: personId, organisation_ura: ura, consent_date: consentDate })
        .onConflict((oc) =>
          oc.columns(['person_id', 'organisation_ura']).doUpdateSet({ consent_date: consentDate }),
        )
        .execute();
    }
  } else {
    await trx
      .insertInto('anonymous_vaccination')
      .values(
        form.vaccinations.map((v) => ({
          organisation_ura: ura,
          activity_id: activityId,
          activity_type: form.activity.type,
          activity_date: form.activity.date,
          dossier_status: '01',
          version: form.version,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
        })),
      )
      .execute();
  }
  const kind = personId ? 'personalised' : 'anonymous';
  await trx
    .insertInto('received_activity')
    .values({ organisation_ura: ura, activity_id: activityId, version: form.version, kind })
    .onConflict((oc) =>
      oc
        .columns(['organisation_ura', 'activity_id'])
        .doUpdateSet({ version: form.version, kind, received_at: new Date() }),
    )
    .execute();
}

async function candidatesFor(trx: Trx, identity: PersonalisedForm['identity']) {
  const rows = await trx
    .selectFrom('person')
    .select(['id', 'given_name', 'name_prefix', 'family_name', 'gender', 'birth_date', 'postcode', 'source'])
    .where('birth_date', '=', identity.birthDate)
    .where('deceased_on', 'is', null)
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    givenName: r.given_name,
    prefix: r.name_prefix,
    familyName: r.family_name,
    gender: r.gender,
    birthDate: r.birth_date,
    postcode: r.postcode,
    source: r.source,
  }));
}

/**
 * Intake of one signed registration form (R-V6). Idempotent by (URA, activity id, version). An
 * anonymous form is stored like a 4a. A personalised one is matched to a person (typically one the
 * COA registered); a single fit is stored personalised with the consent fact, otherwise the form waits
 * unmatched — with its identifying data, which consent allowed — for registry staff.
 */
export async function receiveRegistrationForm(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  jws: string,
): Promise<FormResult> {
  const verified = await verifySigned(jws, keys);
  if (!verified.ok) return { outcome: 'refused', rule: verified.rule, reason: verified.reason };
  const retraction = formRetractionSchema.safeParse(verified.payload);
  if (retraction.success) {
    if (verified.signerUra !== retraction.data.organisationUra) {
      return {
        outcome: 'refused',
        rule: 'signer-ura-mismatch',
        reason: `Ondertekend door URA ${verified.signerUra}, maar de intrekking is van URA ${retraction.data.organisationUra}.`,
      };
    }
    return retract(db, retraction.data);
  }
  const parsed = registrationFormSchema.safeParse(verified.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { outcome: 'refused', rule: 'form-schema', reason: `${issue.path.join('.')}: ${issue.message}` };
  }
  const form = parsed.data;
  if (verified.signerUra !== form.organisationUra) {
    return {
      outcome: 'refused',
      rule: 'signer-ura-mismatch',
      reason: `Ondertekend door URA ${verified.signerUra}, maar het formulier is van URA ${form.organisationUra}.`,
    };
  }
  return db.transaction().execute(async (trx) => {
    // The activity's lock, as intake takes it: a form and a message of one activity never interleave.
    await lockIntakeKeysAndAuditChain(trx, { activities: [activityKey(form)] });
    const previous = await trx
      .selectFrom('registration_form')
      .select(['id', 'version', 'status', 'person_id'])
      .where('organisation_ura', '=', form.organisationUra)
      .where('activity_id', '=', form.activity.id)
      .forUpdate()
      .executeTakeFirst();
    if (previous && previous.version === form.version)
      return { outcome: 'duplicate', reference: previous.id };
    const received = await trx
      .selectFrom('received_activity')
      .select('version')
      .where('organisation_ura', '=', form.organisationUra)
      .where('activity_id', '=', form.activity.id)
      .forUpdate()
      .executeTakeFirst();
    const newest = Math.max(previous?.version ?? 0, received?.version ?? 0);
    if (form.version < newest) {
      return {
        outcome: 'stale',
        reason: `Versie ${form.version} is ouder dan de ontvangen versie ${newest}.`,
      };
    }
    let status: 'matched' | 'unmatched' | 'anonymous' | 'kept-anonymous' = 'anonymous';
    let personId: string | null = null;
    if (form.kind === 'personalised') {
      personId = matchPerson(form.identity, await candidatesFor(trx, form.identity));
      // A newer version of an activity staff already decided on keeps that decision when the
      // automatic match still finds no single person (a correction does not change who it is).
      if (!personId && previous?.status === 'matched') personId = previous.person_id;
      if (!personId && previous?.status === 'kept-anonymous') status = 'kept-anonymous';
      if (personId) {
        const unlinked = await trx
          .selectFrom('unlink_request')
          .select('id')
          .where('person_id', '=', personId)
          .executeTakeFirst();
        // R-R6: the person asked to be unlinked: keep the vaccination without the link.
        if (unlinked) personId = null;
        status = personId ? 'matched' : 'anonymous';
      } else if (status !== 'kept-anonymous') {
        status = 'unmatched';
      }
    }
    // An unmatched form leaves what an earlier message stored; it replaces it once resolved.
    if (status !== 'unmatched') {
      await storeVaccinations(trx, form, personId, form.kind === 'personalised' ? form.consent.date : null);
    }
    const values = {
      organisation_ura: form.organisationUra,
      activity_id: form.activity.id,
      version: form.version,
      kind: form.kind,
      status,
      person_id: personId,
      // Identifying data is kept only while a person still has to find the match.
      identity: status === 'unmatched' && form.kind === 'personalised' ? form.identity : null,
      consent_date: form.kind === 'personalised' ? form.consent.date : null,
      activity: form.activity,
      vaccinations: { items: form.vaccinations },
      resolved_by: null,
      resolved_at: null,
    };
    const row = previous
      ? await trx
          .updateTable('registration_form')
          .set({ ...values, received_at: new Date() })
          .where('id', '=', previous.id)
          .returning('id')
          .executeTakeFirstOrThrow()
      : await trx.insertInto('registration_form').values(values).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: `registration-form:${form.organisationUra}`,
      organisationUra: form.organisationUra,
      action: `registration-form.${status}`,
      subjectType: personId ? 'person' : 'registration-form',
      subjectId: personId ?? row.id,
    });
    return { outcome: status === 'kept-anonymous' ? 'anonymous' : status, reference: row.id };
  });
}

/**
 * Intake of a retraction: the vaccinations, personalised or anonymous, that earlier versions of this
 * (URA, activity id) left are removed, and so is the form itself with any identifying data it still
 * held (an unmatched form leaves the staff worklist). Idempotent: the version is recorded in
 * received_activity, so the same retraction again is a duplicate and an older one stale.
 */
async function retract(db: Kysely<RegistrySchema>, retraction: FormRetraction): Promise<FormResult> {
  const ura = retraction.organisationUra;
  const activityId = retraction.activity.id;
  return db.transaction().execute(async (trx) => {
    await lockIntakeKeysAndAuditChain(trx, { activities: [activityKey(retraction)] });
    const previous = await trx
      .selectFrom('registration_form')
      .select(['id', 'version'])
      .where('organisation_ura', '=', ura)
      .where('activity_id', '=', activityId)
      .forUpdate()
      .executeTakeFirst();
    const received = await trx
      .selectFrom('received_activity')
      .select(['version', 'kind'])
      .where('organisation_ura', '=', ura)
      .where('activity_id', '=', activityId)
      .forUpdate()
      .executeTakeFirst();
    const newest = Math.max(previous?.version ?? 0, received?.version ?? 0);
    if (retraction.version === newest && !previous) return { outcome: 'duplicate' };
    if (retraction.version <= newest) {
      return {
        outcome: 'stale',
        reason: `Versie ${retraction.version} is niet nieuwer dan de ontvangen versie ${newest}.`,
      };
    }
    await trx
      .deleteFrom('vaccination_event')
      .where('organisation_ura', '=', ura)
      .where('activity_id', '=', activityId)
      .execute();
    await trx
      .deleteFrom('anonymous_vaccination')
      .where('organisation_ura', '=', ura)
      .where('activity_id', '=', activityId)
      .execute();
    if (previous) await trx.deleteFrom('registration_form').where('id', '=', previous.id).execute();
    const kind = received?.kind ?? 'anonymous';
    await trx
      .insertInto('received_activity')
      .values({ organisation_ura: ura, activity_id: activityId, version: retraction.version, kind })
      .onConflict((oc) =>
        oc
          .columns(['organisation_ura', 'activity_id'])
          .doUpdateSet({ version: retraction.version, received_at: new Date() }),
      )
      .execute();
    await appendAudit(trx, {
      actorId: `registration-form:${ura}`,
      organisationUra: ura,
      action: 'registration-form.retracted',
      subjectType: 'registration-form',
      subjectId: previous?.id ?? activityId,
    });
    return { outcome: 'retracted' };
  });
}

export interface UnmatchedForm {
  id: string;
  organisationUra: string;
  activityId: string;
  activityDate: string;
  receivedAt: string;
  identity: PersonalisedForm['identity'];
  vaccinations: PersonalisedForm['vaccinations'];
  candidates: Array<{
    id: string;
    givenName: string;
    prefix: string | null;
    familyName: string;
    gender: string;
    birthDate: string;
    postcode: string | null;
    source: 'brp' | 'coa';
  }>;
}

/** Registry staff's worklist of personalised forms without a match, each with look-alike persons. */
export async function listUnmatched(
  db: Kysely<RegistrySchema>,
  actor: Actor,
  requestId: string,
): Promise<UnmatchedForm[]> {
  requirePermission(actor, 'registry.registration-form');
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('registration_form')
      .selectAll()
      .where('status', '=', 'unmatched')
      .orderBy('received_at')
      .limit(200)
      .execute();
    const items: UnmatchedForm[] = [];
    for (const r of rows) {
      const identity = r.identity as PersonalisedForm['identity'];
      const all = await candidatesFor(trx, identity);
      // Look-alikes: same birth date and the same family name or given name.
      const family = nameKey(identity.familyName);
      const given = nameKey(identity.givenName);
      items.push({
        id: r.id,
        organisationUra: r.organisation_ura,
        activityId: r.activity_id,
        activityDate: (r.activity as { date: string }).date,
        receivedAt: new Date(r.received_at).toISOString(),
        identity,
        vaccinations: (r.vaccinations as { items: PersonalisedForm['vaccinations'] }).items,
        candidates: all
          .filter((c) => nameKey(c.familyName) === family || nameKey(c.givenName) === given)
          .slice(0, 10),
      });
    }
    await appendAudit(trx, {
      actorId: actor.userId,
      organisationUra: null,
      action: 'registration-form.list-unmatched',
      subjectType: 'registration-form',
      requestId,
    });
    return items;
  });
}

/** Staff resolve an unmatched form: link it to a person, or keep the vaccination anonymous. */
export async function resolveUnmatched(
  db: Kysely<RegistrySchema>,
  actor: Actor,
  requestId: string,
  formId: string,
  decision: { personId: string } | { keepAnonymous: true },
): Promise<{ status: 'matched' | 'kept-anonymous' }> {
  requirePermission(actor, 'registry.registration-form');
  return db.transaction().execute(async (trx) => {
    // The form's activity and the chosen person are locked as intake locks them, before the form.
    const target = await trx
      .selectFrom('registration_form')
      .select(['organisation_ura', 'activity_id'])
      .where('id', '=', formId)
      .executeTakeFirst();
    const chosen =
      'personId' in decision
        ? await trx.selectFrom('person').select('bsn').where('id', '=', decision.personId).executeTakeFirst()
        : undefined;
    await lockIntakeKeysAndAuditChain(trx, {
      activities: target
        ? [{ organisationUra: target.organisation_ura, activityId: target.activity_id }]
        : [],
      bsns: chosen ? [chosen.bsn] : [],
    });
    const row = await trx
      .selectFrom('registration_form')
      .selectAll()
      .where('id', '=', formId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Dit formulier');
    if (row.status !== 'unmatched') {
      throw new ProblemError(409, 'already-resolved', 'Al verwerkt', 'Dit formulier is al verwerkt.', [
        { field: 'params.id', rule: 'already-resolved', message: 'Dit formulier is al verwerkt.' },
      ]);
    }
    const received = await trx
      .selectFrom('received_activity')
      .select('version')
      .where('organisation_ura', '=', row.organisation_ura)
      .where('activity_id', '=', row.activity_id)
      .executeTakeFirst();
    if (received && received.version > row.version) {
      // A newer version came by message meanwhile: storing this one would undo it.
      throw new ProblemError(409, 'superseded', 'Verouderd', 'Er is al een nieuwere versie ontvangen.', [
        { field: 'params.id', rule: 'superseded', message: 'Er is al een nieuwere versie ontvangen.' },
      ]);
    }
    let personId: string | null = null;
    if ('personId' in decision) {
      const person = await trx
        .selectFrom('person')
        .select('id')
        .where('id', '=', decision.personId)
        .executeTakeFirst();
      if (!person) {
        throw new ProblemError(422, 'rule-violation', 'Onbekende persoon', 'Deze persoon is niet bekend.', [
          {
            field: 'body.personId',
            rule: 'known-person',
            message: 'Deze persoon is niet bekend in het register.',
          },
        ]);
      }
      personId = person.id;
    }
    const form = {
      organisationUra: row.organisation_ura,
      version: row.version,
      activity: row.activity as RegistrationForm['activity'],
      vaccinations: (row.vaccinations as { items: RegistrationForm['vaccinations'] }).items,
    } as RegistrationForm;
    await storeVaccinations(trx, form, personId, personId ? row.consent_date : null);
    const status = personId ? 'matched' : 'kept-anonymous';
    await trx
      .updateTable('registration_form')
      .set({
        status,
        person_id: personId,
        identity: null,
        resolved_by: actor.userId,
        resolved_at: new Date(),
      })
      .where('id', '=', formId)
      .execute();
    await appendAudit(trx, {
      actorId: actor.userId,
      organisationUra: null,
      action: `registration-form.resolve.${status}`,
      subjectType: personId ? 'person' : 'registration-form',
      subjectId: personId ?? formId,
      requestId,
    });
    return { status };
  });
}

const Identity = z.object({
  givenName: z.string(),
  prefix: z.string().nullable(),
  familyName: z.string(),
  gender: z.string(),
  birthDate: z.string(),
  postcode: z.string().nullable(),
  houseNumber: z.number().nullable(),
});

/** Routes: the signed form intake (machine path) and the staff worklist. */
export function registerRegistrationFormRoutes(
  app: App,
  db: Kysely<RegistrySchema>,
  trustedKeys: () => KeyResolver,
): void {
  app.post(
    '/api/exchange/registration-forms',
    {
      schema: {
        tags: ['registration-form'],
        summary: 'Intake of a signed registration form for a youth without BSN (R-V6, RVP Online analogue)',
        body: z.strictObject({ form: z.string().min(1).max(200_000) }),
        response: {
          200: z.object({
            outcome: z.enum([
              'matched',
              'unmatched',
              'anonymous',
              'retracted',
              'duplicate',
              'stale',
              'refused',
            ]),
            reference: z.string().optional(),
            rule: z.string().optional(),
            reason: z.string().optional(),
          }),
        },
      },
    },
    async (request) => receiveRegistrationForm(db, trustedKeys(), request.body.form),
  );
  app.get(
    '/api/registration-forms/unmatched',
    {
      schema: {
        tags: ['registration-form'],
        summary: 'Personalised registration forms without a matching person, with look-alikes',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                organisationUra: z.string(),
                activityId: z.string(),
                activityDate: z.string(),
                receivedAt: z.string(),
                identity: Identity,
                vaccinations: z.array(
                  z.object({
                    vaccineType: z.string(),
                    date: z.string(),
                    batchNumber: z.string(),
                    performer: z.string(),
                    location: z.string(),
                  }),
                ),
                candidates: z.array(
                  Identity.omit({ houseNumber: true }).extend({ id: z.string(), source: z.string() }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listUnmatched(db, request.actor!, request.id) }),
  );
  app.post(
    '/api/registration-forms/:id/resolve',
    {
      schema: {
        tags: ['registration-form'],
        summary: 'Link an unmatched form to a person, or keep its vaccinations anonymous',
        params: z.object({ id: z.uuid() }),
        body: z.union([
          z.strictObject({ personId: z.uuid() }),
          z.strictObject({ keepAnonymous: z.literal(true) }),
        ]),
        response: { 200: z.object({ status: z.enum(['matched', 'kept-anonymous']) }) },
      },
    },
    async (request) => resolveUnmatched(db, request.actor!, request.id, request.params.id, request.body),
  );
}
