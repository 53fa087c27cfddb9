/**
 * Citizen requests at the registry (R-R6), registered by registry staff:
 * - unlink personal data: the person's vaccinations become anonymous, consent facts go;
 * - a "no consent" notice that stops reminders (invitations continue);
 * - a vaccination certificate, under the age rules of decideCertificateRequest.
 * Each is one transaction with its audit entry (R-C8). See docs/population.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Generated, Kysely, Selectable } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { ageInYears, isIsoDate } from '../domain/dates/index.js';
import { notFound, ProblemError, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { buildCertificatePdf, type CertificateContent } from './certificate-pdf.js';
import { lockIntakeKeysAndAuditChain } from './intake-locks.js';
import type { PopulationTables } from './population-import.js';
import type { RegistrySchema } from './schema.js';

// ---------------------------------------------------------------------------------------------------
// Tables (migrations/registry/005_population_citizen.sql)

/** Kysely types of the citizen-request tables; RegistrySchema extends this interface. */
export interface CitizenRequestTables {
  no_consent_notice: {
    id: Generated<string>;
    person_id: string;
    registered_at: Generated<Date>;
    registered_by: string;
    withdrawn_at: Date | null;
    withdrawn_by: string | null;
  };
  certificate_issue: {
    verification_id: string;
    person_id: string;
    issued_on: string;
    issued_at: Generated<Date>;
    issued_by: string;
    requester: CertificateRequester;
    vaccinations: number;
    content_sha256: string;
  };
}

type CitizenDb = Kysely<RegistrySchema & PopulationTables & CitizenRequestTables>;

/** The registry's Kysely instance seen with the citizen-request tables (a no-op once RegistrySchema has them). */
export const withCitizenTables = (db: Kysely<RegistrySchema>): CitizenDb => db as unknown as CitizenDb;

// ---------------------------------------------------------------------------------------------------
// Who may ask for a certificate (pure)

export type CertificateRequester = 'self' | 'custodian';

export interface CertificateRequest {
  /** The person the certificate is about. */
  birthDate: string;
  personBsn: string;
  /** The custodians the registry knows for the person (from the BRP/COA extract). */
  custodianBsns: readonly string[];
  /** Who asks: the person themselves or a custodian, and their BSN (checked against the above). */
  requester: CertificateRequester;
  requesterBsn: string;
  /** For a custodian asking for a youth of 12–15: the youth agreed. Ignored otherwise. */
  youthConsent: boolean;
  /** The day of the request. */
  on: string;
}

export type CertificateDecision =
  | { allowed: true; age: number; rule: string; reason: string }
  | { allowed: false; age: number | null; rule: string; field: string; reason: string };

/**
 * R-R6: a certificate for a child under 12 is asked for by a custodian; from 12 to 15 by the youth, or
 * by a custodian with the youth's consent; from 16 by the youth only. The requester's BSN must be the
 * person's own (self) or one of the person's registered custodians (custodian).
 */
export function decideCertificateRequest(request: CertificateRequest): CertificateDecision {
  if (!isIsoDate(request.birthDate) || !isIsoDate(request.on) || request.on < request.birthDate) {
    return {
      allowed: false,
      age: null,
      rule: 'age-unknown',
      field: 'person.birthDate',
      reason: 'De leeftijd op de aanvraagdatum is niet te bepalen.',
    };
  }
  const age = ageInYears(request.birthDate, request.on);
  const self = request.requester === 'self';
  if (age < 12 && self) {
    return {
      allowed: false,
      age,
      rule: 'under-12-custodian-only',
      field: 'body.requester',
      reason:
        'Voor een kind jonger dan 12 jaar vraagt een ouder met gezag of een voogd het vaccinatiebewijs aan.',
    };
  }
  if (age >= 16 && !self) {
    return {
      allowed: false,
      age,
      rule: '16-plus-self-only',
      field: 'body.requester',
      reason:
        'Vanaf 16 jaar vraagt de jongere het vaccinatiebewijs zelf aan; een ouder of voogd kan dat niet meer.',
    };
  }
  if (age >= 12 && age < 16 && !self && !request.youthConsent) {
    return {
      allowed: false,
      age,
      rule: 'youth-consent-required',
      field: 'body.youthConsent',
      reason:
        'Een ouder of voogd mag het vaccinatiebewijs van een jongere van 12 tot 16 jaar alleen met diens toestemming aanvragen.',
    };
  }
  if (self && request.requesterBsn !== request.personBsn) {
    return {
      allowed: false,
      age,
      rule: 'requester-not-person',
      field: 'body.requesterBsn',
      reason: 'Het BSN van de aanvrager is niet dat van de persoon zelf.',
    };
  }
  if (!self && !request.custodianBsns.includes(request.requesterBsn)) {
    return {
      allowed: false,
      age,
      rule: 'not-a-custodian',
      field: 'body.requesterBsn',
      reason: 'De aanvrager staat in het register niet als gezagdrager van deze persoon.',
    };
  }
  if (self) {
    return age >= 16
      ? {
          allowed: true,
          age,
          rule: 'self-16-plus',
          reason: 'Vanaf 16 jaar vraagt de jongere het vaccinatiebewijs zelf aan.',
        }
      : {
          allowed: true,
          age,
          rule: 'self-12-15',
          reason: 'Een jongere van 12 tot 16 jaar mag het vaccinatiebewijs zelf aanvragen.',
        };
  }
  return age < 12
    ? {
        allowed: true,
        age,
        rule: 'custodian-under-12',
        reason:
          'Voor een kind jonger dan 12 jaar vraagt een ouder met gezag of een voogd het vaccinatiebewijs aan.',
      }
    : {
        allowed: true,
        age,
        rule: 'custodian-12-15-with-consent',
        reason:
          'Een ouder of voogd vraagt het vaccinatiebewijs aan met toestemming van de jongere (12 tot 16 jaar).',
      };
}

// ---------------------------------------------------------------------------------------------------
// Unlinking personal data

export interface UnlinkResult {
  personId: string;
  unlinkRequestId: string;
  requestedAt: string;
  anonymisedVaccinations: number;
  activities: number;
  consentFactsRemoved: number;
}

interface Context {
  personId: string;
  actor: Actor;
  requestId: string;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

async function lockPerson(trx: CitizenDb, personId: string) {
  const person = await trx
    .selectFrom('person')
    .select(['id', 'bsn', 'given_name', 'name_prefix', 'family_name', 'birth_date'])
    .where('id', '=', personId)
    .forUpdate()
    .executeTakeFirst();
  if (!person) throw notFound('Deze persoon');
  return person;
}

/**
 * R-R6 unlink, in one transaction: every personalised vaccination of the person becomes an anonymous
 * one (organisation, activity, vaccine, date, batch, performer, location; dossier status 01), the
 * personalised rows and consent facts go, the activities are marked anonymous, and an unlink request
 * is recorded (which also makes status queries refused). The person row stays: the registry still
 * invites from the BRP population.
 */
export async function unlinkPerson(
  database: Kysely<RegistrySchema>,
  context: Context,
): Promise<UnlinkResult> {
  const db = withCitizenTables(database);
  return db.transaction().execute(async (trx) => {
    // The person's intake lock before the row lock: a group storing this person's messages finishes
    // first, and the next one reads the unlink request.
    const bsn = await trx
      .selectFrom('person')
      .select('bsn')
      .where('id', '=', context.personId)
      .executeTakeFirst();
    await lockIntakeKeysAndAuditChain(trx, { bsns: bsn ? [bsn.bsn] : [] });
    const person = await lockPerson(trx, context.personId);
    const earlier = await trx
      .selectFrom('unlink_request')
      .select('requested_at')
      .where('person_id', '=', person.id)
      .executeTakeFirst();
    if (earlier) {
      throw new ProblemError(409, 'already-unlinked', 'Al ontkoppeld', 'Deze persoon is al ontkoppeld.', [
        { field: 'params.id', rule: 'already-unlinked', message: 'Deze persoon is al ontkoppeld.' },
      ]);
    }
    const activities = await trx
      .selectFrom('vaccination_event')
      .select(['organisation_ura', 'activity_id'])
      .distinct()
      .where('person_id', '=', person.id)
      .execute();
    const copied = await trx
      .insertInto('anonymous_vaccination')
      .columns([
        'organisation_ura',
        'activity_id',
        'activity_type',
        'activity_date',
        'dossier_status',
        'version',
        'vaccine_type',
        'vaccination_date',
        'batch_number',
        'performer',
        'location',
      ])
      .expression((eb) =>
        eb
          .selectFrom('vaccination_event')
          .select((s) => [
            'organisation_ura',
            'activity_id',
            'activity_type',
            'activity_date',
            s.val('01').as('dossier_status'),
            'version',
            'vaccine_type',
            'vaccination_date',
            'batch_number',
            'performer',
            'location',
          ])
          .where('person_id', '=', person.id),
      )
      .executeTakeFirst();
    for (const a of activities) {
      await trx
        .updateTable('received_activity')
        .set({ kind: 'anonymous' })
        .where('organisation_ura', '=', a.organisation_ura)
        .where('activity_id', '=', a.activity_id)
        .execute();
    }
    await trx.deleteFrom('vaccination_event').where('person_id', '=', person.id).execute();
    const facts = await trx.deleteFrom('consent_fact').where('person_id', '=', person.id).executeTakeFirst();
    const request = await trx
      .insertInto('unlink_request')
      .values({ person_id: person.id, registered_by: context.actor.userId })
      .returning(['id', 'requested_at'])
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: context.actor.userId,
      organisationUra: null,
      action: 'person.unlink',
      subjectType: 'person',
      subjectId: person.id,
      requestId: context.requestId,
    });
    return {
      personId: person.id,
      unlinkRequestId: request.id,
      requestedAt: iso(request.requested_at),
      anonymisedVaccinations: Number(copied.numInsertedOrUpdatedRows ?? 0n),
      activities: activities.length,
      consentFactsRemoved: Number(facts.numDeletedRows),
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// "No consent" notice

export interface NoConsentNotice {
  id: string;
  personId: string;
  registeredAt: string;
  registeredBy: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
}

const toNotice = (row: Selectable<CitizenRequestTables['no_consent_notice']>): NoConsentNotice => ({
  id: row.id,
  personId: row.person_id,
  registeredAt: iso(row.registered_at),
  registeredBy: row.registered_by,
  withdrawnAt: row.withdrawn_at === null ? null : iso(row.withdrawn_at),
  withdrawnBy: row.withdrawn_by,
});

/** Registers a "no consent" notice: reminders stop, invitations for each new phase continue (R-R6). */
export async function registerNoConsentNotice(
  database: Kysely<RegistrySchema>,
  context: Context,
): Promise<NoConsentNotice> {
  const db = withCitizenTables(database);
  return db.transaction().execute(async (trx) => {
    const person = await lockPerson(trx, context.personId);
    const active = await trx
      .selectFrom('no_consent_notice')
      .select('id')
      .where('person_id', '=', person.id)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst();
    if (active) {
      throw new ProblemError(
        409,
        'notice-exists',
        'Melding bestaat al',
        'Er staat al een melding "geen toestemming".',
        [
          {
            field: 'params.id',
            rule: 'notice-exists',
            message: 'Er staat al een melding "geen toestemming".',
          },
        ],
      );
    }
    const row = await trx
      .insertInto('no_consent_notice')
      .values({
        person_id: person.id,
        registered_by: context.actor.userId,
        withdrawn_at: null,
        withdrawn_by: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: context.actor.userId,
      organisationUra: null,
      action: 'person.no-consent-notice.register',
      subjectType: 'person',
      subjectId: person.id,
      requestId: context.requestId,
    });
    return toNotice(row);
  });
}

/** Withdraws the active "no consent" notice; reminders resume. The row stays as history. */
export async function withdrawNoConsentNotice(
  database: Kysely<RegistrySchema>,
  context: Context,
): Promise<NoConsentNotice> {
  const db = withCitizenTables(database);
  return db.transaction().execute(async (trx) => {
    const person = await lockPerson(trx, context.personId);
    const row = await trx
      .updateTable('no_consent_notice')
      .set({ withdrawn_at: new Date(), withdrawn_by: context.actor.userId })
      .where('person_id', '=', person.id)
      .where('withdrawn_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      throw new ProblemError(
        409,
        'no-active-notice',
        'Geen melding',
        'Er staat geen melding "geen toestemming".',
        [
          {
            field: 'params.id',
            rule: 'no-active-notice',
            message: 'Er staat geen melding "geen toestemming".',
          },
        ],
      );
    }
    await appendAudit(trx, {
      actorId: context.actor.userId,
      organisationUra: null,
      action: 'person.no-consent-notice.withdraw',
      subjectType: 'person',
      subjectId: person.id,
      requestId: context.requestId,
    });
    return toNotice(row);
  });
}

/**
 * For the reminder runs (R-R4): true when the person has an active "no consent" notice. Invitations
 * ignore this (SPEC R-R6: invitations for each new phase continue).
 */
export async function remindersBlocked(database: Kysely<RegistrySchema>, personId: string): Promise<boolean> {
  const db = withCitizenTables(database);
  const row = await db
    .selectFrom('no_consent_notice')
    .select('id')
    .where('person_id', '=', personId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------------
// Overview of a person's requests

export interface CitizenRequestSummary {
  personId: string;
  unlinked: { requestedAt: string; registeredBy: string } | null;
  noConsentNotice: NoConsentNotice | null;
  certificates: { verificationId: string; issuedOn: string; requester: CertificateRequester }[];
}

export async function citizenRequestSummary(
  database: Kysely<RegistrySchema>,
  context: Context,
): Promise<CitizenRequestSummary> {
  const db = withCitizenTables(database);
  return db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom('person')
      .select('id')
      .where('id', '=', context.personId)
      .executeTakeFirst();
    if (!person) throw notFound('Deze persoon');
    const unlink = await trx
      .selectFrom('unlink_request')
      .select(['requested_at', 'registered_by'])
      .where('person_id', '=', person.id)
      .orderBy('requested_at')
      .executeTakeFirst();
    const notice = await trx
      .selectFrom('no_consent_notice')
      .selectAll()
      .where('person_id', '=', person.id)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst();
    const certificates = await trx
      .selectFrom('certificate_issue')
      .select(['verification_id', 'issued_on', 'requester'])
      .where('person_id', '=', person.id)
      .orderBy('issued_at', 'desc')
      .limit(50)
      .execute();
    await appendAudit(trx, {
      actorId: context.actor.userId,
      organisationUra: null,
      action: 'person.citizen-requests.read',
      subjectType: 'person',
      subjectId: person.id,
      requestId: context.requestId,
    });
    return {
      personId: person.id,
      unlinked: unlink ? { requestedAt: iso(unlink.requested_at), registeredBy: unlink.registered_by } : null,
      noConsentNotice: notice ? toNotice(notice) : null,
      certificates: certificates.map((c) => ({
        verificationId: c.verification_id,
        issuedOn: c.issued_on,
        requester: c.requester,
      })),
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Vaccination certificate

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** RVP-XXXX-XXXX-XXXX: 60 random bits in Crockford base32, printed as a Code 128 barcode. */
export function newVerificationId(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => CROCKFORD[b & 31]!).join('');
  return `RVP-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

export interface CertificateInput extends Context {
  requester: CertificateRequester;
  requesterBsn: string;
  youthConsent: boolean;
  /** The day of issue. */
  on: string;
}

export interface IssuedCertificate {
  verificationId: string;
  pdf: Uint8Array;
  decision: Extract<CertificateDecision, { allowed: true }>;
}

/**
 * Issues a vaccination certificate when the age rules allow it. A refusal is audited too, then thrown
 * as 422 naming the field and rule. The PDF holds only the name, birth date, the registered
 * vaccinations (vaccine, date, batch), the date of issue and the verification id.
 */
export async function issueCertificate(
  database: Kysely<RegistrySchema>,
  input: CertificateInput,
): Promise<IssuedCertificate> {
  const db = withCitizenTables(database);
  const outcome = await db.transaction().execute(async (trx) => {
    const person = await lockPerson(trx, input.personId);
    const unlinked = await trx
      .selectFrom('unlink_request')
      .select('id')
      .where('person_id', '=', person.id)
      .executeTakeFirst();
    if (unlinked) {
      throw new ProblemError(
        409,
        'unlinked',
        'Geen vaccinatiebewijs mogelijk',
        'Deze persoon heeft de persoonsgegevens laten ontkoppelen; het register kan geen vaccinaties meer aan deze persoon koppelen.',
        [{ field: 'params.id', rule: 'unlinked', message: 'Persoonsgegevens zijn ontkoppeld.' }],
      );
    }
    const custodians = await trx
      .selectFrom('person_custodian')
      .select('custodian_bsn')
      .where('person_id', '=', person.id)
      .execute();
    const decision = decideCertificateRequest({
      birthDate: person.birth_date,
      personBsn: person.bsn,
      custodianBsns: custodians.map((c) => c.custodian_bsn),
      requester: input.requester,
      requesterBsn: input.requesterBsn,
      youthConsent: input.youthConsent,
      on: input.on,
    });
    const audit = (action: string) =>
      appendAudit(trx, {
        actorId: input.actor.userId,
        organisationUra: null,
        action,
        subjectType: 'person',
        subjectId: person.id,
        requestId: input.requestId,
      });
    if (!decision.allowed) {
      await audit('person.certificate.refused');
      return { decision };
    }
    const vaccinations = await trx
      .selectFrom('vaccination_event')
      .select(['vaccine_type', 'vaccination_date', 'batch_number'])
      .where('person_id', '=', person.id)
      .orderBy('vaccination_date')
      .orderBy('vaccine_type')
      .execute();
    const verificationId = newVerificationId();
    const content: CertificateContent = {
      verificationId,
      issuedOn: input.on,
      person: {
        givenName: person.given_name,
        namePrefix: person.name_prefix,
        familyName: person.family_name,
        birthDate: person.birth_date,
      },
      vaccinations: vaccinations.map((v) => ({
        vaccineType: v.vaccine_type,
        date: v.vaccination_date,
        batchNumber: v.batch_number,
      })),
    };
    const pdf = await buildCertificatePdf(content);
    await trx
      .insertInto('certificate_issue')
      .values({
        verification_id: verificationId,
        person_id: person.id,
        issued_on: input.on,
        issued_by: input.actor.userId,
        requester: input.requester,
        vaccinations: vaccinations.length,
        content_sha256: createHash('sha256').update(pdf).digest('hex'),
      })
      .execute();
    await audit('person.certificate.issue');
    return { decision, pdf, verificationId };
  });
  if (!outcome.decision.allowed) {
    throw ruleViolation(outcome.decision.field, outcome.decision.rule, outcome.decision.reason);
  }
  return { decision: outcome.decision, pdf: outcome.pdf!, verificationId: outcome.verificationId! };
}

export interface CertificateVerification {
  verificationId: string;
  personId: string;
  issuedOn: string;
  requester: CertificateRequester;
  vaccinations: number;
  contentSha256: string;
}

/** Looks up an issued certificate by its verification id (staff; audited). Null when unknown. */
export async function verifyCertificate(
  database: Kysely<RegistrySchema>,
  input: { verificationId: string; actor: Actor; requestId: string },
): Promise<CertificateVerification | null> {
  const db = withCitizenTables(database);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('certificate_issue')
      .selectAll()
      .where('verification_id', '=', input.verificationId)
      .executeTakeFirst();
    if (!row) return null;
    await appendAudit(trx, {
      actorId: input.actor.userId,
      organisationUra: null,
      action: 'certificate.verify',
      subjectType: 'person',
      subjectId: row.person_id,
      requestId: input.requestId,
    });
    return {
      verificationId: row.verification_id,
      personId: row.person_id,
      issuedOn: row.issued_on,
      requester: row.requester,
      vaccinations: row.vaccinations,
      contentSha256: row.content_sha256,
    };
  });
}
