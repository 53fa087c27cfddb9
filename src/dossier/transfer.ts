import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../db/audit.js';
import type { IsoDate } from '../domain/dates/index.js';
import {
  TRANSFER_DOCUMENT_SCHEMA,
  transferDocumentSchema,
  type TransferDocument,
} from '../domain/transfer/index.js';
import type { App } from '../http/app.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { organisationOf, type RequestContext } from './clients.js';
import { consentForExchange } from './consent.js';
import type { DossierSchema } from './schema.js';
import { inOrganisation } from './scope.js';

type Trx = Transaction<DossierSchema>;

export interface TransferView {
  id: string;
  direction: 'incoming' | 'outgoing';
  fromUra: string;
  fromName: string | null;
  toUra: string;
  toName: string | null;
  transferDate: IsoDate;
  state: 'offered' | 'accepted' | 'withdrawn';
  consentDecision: 'toestemming' | 'geen-toestemming';
  client: {
    givenName: string;
    prefix: string | null;
    familyName: string;
    birthDate: IsoDate;
    bsn: string | null;
  };
  counts: { activities: number; vaccinations: number; consentRecords: number };
  fromClientId: string | null;
  toClientId: string | null;
}

/** The sender's dossier as a transfer document, read inside the sender's own tenant transaction. */
async function buildDocument(
  trx: Trx,
  ura: string,
  toUra: string,
  clientId: string,
  transferDate: IsoDate,
  decision: TransferDocument['consentDecision'],
): Promise<TransferDocument> {
  const client = await trx
    .selectFrom('client')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('id', '=', clientId)
    .forUpdate()
    .executeTakeFirst();
  if (!client) throw notFound('Deze cliënt');
  const relations = await trx
    .selectFrom('client_relation as r')
    .innerJoin('related_person as p', 'p.id', 'r.person_id')
    .select([
      'p.id',
      'p.bsn',
      'p.given_name',
      'p.name_prefix',
      'p.family_name',
      'p.gender',
      'p.birth_date',
      'r.relation',
      'r.has_custody',
    ])
    .where('r.client_id', '=', clientId)
    .orderBy('p.id')
    .execute();
  const persons = new Map<string, TransferDocument['relatedPersons'][number]>();
  for (const r of relations) {
    const person = persons.get(r.id) ?? {
      ref: r.id,
      bsn: r.bsn,
      givenName: r.given_name,
      prefix: r.name_prefix,
      familyName: r.family_name,
      gender: r.gender,
      birthDate: r.birth_date,
      relations: [],
    };
    person.relations.push({ relation: r.relation, hasCustody: r.has_custody });
    persons.set(r.id, person);
  }
  const records = await trx
    .selectFrom('consent_record as c')
    .leftJoin('consent_record_end as e', 'e.record_id', 'c.id')
    .selectAll('c')
    .select(['e.end_date', 'e.ended_by_record_id'])
    .where('c.client_id', '=', clientId)
    .orderBy('c.registered_at')
    .execute();
  // A record copied in from an earlier transfer keeps its first origin.
  const originIdOf = new Map(records.map((r) => [r.id, r.origin_record_id ?? r.id]));
  const judgements = await trx
    .selectFrom('competence_judgement')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('registered_at')
    .execute();
  const activities = await trx
    .selectFrom('activity')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('client_id', '=', clientId)
    .orderBy('activity_date')
    .orderBy('created_at')
    .execute();
  const vaccinations =
    activities.length === 0
      ? []
      : await trx
          .selectFrom('vaccination')
          .selectAll()
          .where(
            'activity_pk',
            'in',
            activities.map((a) => a.id),
          )
          .orderBy('vaccination_date')
          .execute();
  const iso = (d: Date) => new Date(d).toISOString();
  return transferDocumentSchema.parse({
    schema: TRANSFER_DOCUMENT_SCHEMA,
    fromUra: ura,
    toUra,
    transferDate,
    consentDecision: decision,
    client: {
      kind: client.kind,
      dossierNumber: client.dossier_number,
      bsn: client.bsn,
      givenName: client.given_name,
      prefix: client.name_prefix,
      familyName: client.family_name,
      gender: client.gender,
      birthDate: client.birth_date,
      street: client.street,
      houseNumber: client.house_number,
      houseLetter: client.house_letter,
      houseNumberAddition: client.house_number_addition,
      postcode: client.postcode,
      city: client.city,
      municipalityCode: client.municipality_code,
    },
    relatedPersons: [...persons.values()],
    consentRecords: records.map((r) => ({
      originUra: r.origin_ura ?? r.organisation_ura,
      originId: originIdOf.get(r.id)!,
      agreed: r.agreed,
      sourcePersonRef: r.source_person_id,
      source: r.source,
      date: r.consent_date,
      endDate: r.end_date,
      endedByOriginId: r.ended_by_record_id ? (originIdOf.get(r.ended_by_record_id) ?? null) : null,
      method: r.method,
      note: r.note,
      registeredBy: r.registered_by,
      registeredAt: iso(r.registered_at),
    })),
    competenceJudgements: judgements.map((j) => ({
      originUra: j.origin_ura ?? j.organisation_ura,
      originId: j.origin_judgement_id ?? j.id,
      date: j.judged_on,
      competent: j.competent,
      explanation: j.explanation,
      registeredBy: j.registered_by,
      registeredAt: iso(j.registered_at),
    })),
    activities: activities.map((a) => ({
      originUra: a.origin_ura,
      activityId: a.activity_id,
      activityType: a.activity_type,
      activityDate: a.activity_date,
      version: a.version,
      createdBy: a.created_by,
      vaccinations: vaccinations
        .filter((v) => v.activity_pk === a.id)
        .map((v) => ({
          vaccineType: v.vaccine_type,
          date: v.vaccination_date,
          batchNumber: v.batch_number,
          performer: v.performer,
          location: v.location,
          objection: v.objection,
          status: v.status,
          recordedBy: v.recorded_by,
        })),
    })),
  });
}

/**
 * R-V8, the sending side: the youth moved to `toUra`'s area. The dossier goes over as a document with
 * its vaccinations and consent evidence; this organisation's dossier is closed (BDS 696 '02') in the
 * same transaction, and from now on it sends no repairs for it (docs/transfer.md).
 */
export async function offerTransfer(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  body: { toUra: string },
  today: IsoDate,
): Promise<TransferView> {
  requirePermission(ctx.actor, 'dossier.transfer');
  const ura = organisationOf(ctx.actor);
  if (body.toUra === ura) {
    throw ruleViolation(
      'body.toUra',
      'other-organisation',
      'Een dossier gaat over naar een andere organisatie.',
    );
  }
  const receiver = await db
    .selectFrom('organisation')
    .select('ura')
    .where('ura', '=', body.toUra)
    .executeTakeFirst();
  if (!receiver) {
    throw ruleViolation(
      'body.toUra',
      'known-organisation',
      'Deze organisatie is niet bekend in het dossier.',
    );
  }
  const id = await inOrganisation(db, ura, async (trx) => {
    const client = await trx
      .selectFrom('client')
      .select(['id', 'dossier_status', 'transferred_to_ura'])
      .where('organisation_ura', '=', ura)
      .where('id', '=', clientId)
      .forUpdate()
      .executeTakeFirst();
    if (!client) throw notFound('Deze cliënt');
    if (client.transferred_to_ura !== null) {
      throw new ProblemError(
        409,
        'already-transferred',
        'Al overgedragen',
        'Dit dossier is al overgedragen.',
        [{ field: 'params.id', rule: 'already-transferred', message: 'Dit dossier is al overgedragen.' }],
      );
    }
    const consent = await consentForExchange(trx, ura, clientId, today);
    const document = await buildDocument(trx, ura, body.toUra, clientId, today, consent.decision);
    const row = await trx
      .insertInto('dossier_transfer')
      .values({
        from_ura: ura,
        to_ura: body.toUra,
        from_client_id: clientId,
        to_client_id: null,
        transfer_date: today,
        consent_decision: consent.decision,
        document,
        offered_by: ctx.actor.userId,
        accepted_by: null,
        accepted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('client')
      .set({ dossier_status: '02', transferred_to_ura: body.toUra, transferred_on: today })
      .where('id', '=', clientId)
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'dossier.transfer.offer',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return row.id;
  });
  return (await listTransfers(db, ctx)).find((t) => t.id === id)!;
}

/** Transfers this organisation sent or may receive (row-level security shows only those). */
export async function listTransfers(db: Kysely<DossierSchema>, ctx: RequestContext): Promise<TransferView[]> {
  requirePermission(ctx.actor, 'client.read');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const rows = await trx
      .selectFrom('dossier_transfer as t')
      .leftJoin('organisation as f', 'f.ura', 't.from_ura')
      .leftJoin('organisation as o', 'o.ura', 't.to_ura')
      .selectAll('t')
      .select(['f.name as from_name', 'o.name as to_name'])
      .orderBy('t.offered_at', 'desc')
      .limit(200)
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'dossier.transfer.list',
      subjectType: 'dossier-transfer',
      requestId: ctx.requestId,
    });
    return rows.map((r) => {
      const doc = r.document as TransferDocument;
      const incoming = r.to_ura === ura;
      return {
        id: r.id,
        direction: incoming ? 'incoming' : 'outgoing',
        fromUra: r.from_ura,
        fromName: r.from_name,
        toUra: r.to_ura,
        toName: r.to_name,
        transferDate: r.transfer_date,
        state: r.state,
        consentDecision: r.consent_decision,
        client: {
          givenName: doc.client.givenName,
          prefix: doc.client.prefix,
          familyName: doc.client.familyName,
          birthDate: doc.client.birthDate,
          bsn: doc.client.bsn,
        },
        counts: {
          activities: doc.activities.length,
          vaccinations: doc.activities.reduce((n, a) => n + a.vaccinations.length, 0),
          consentRecords: doc.consentRecords.length,
        },
        fromClientId: incoming ? null : r.from_client_id,
        toClientId: incoming ? r.to_client_id : null,
      } satisfies TransferView;
    });
  });
}

/**
 * R-V8, the receiving side: the document becomes (or joins) an active dossier here. Consent evidence
 * keeps its origin and date, so the decision here equals the sender's on the transfer date — checked
 * before commit. Vaccinations keep `origin_ura` = the organisation that gave them: no outbox row is
 * made, and the repair rule (origin = own) never picks them up, also after a later consent here.
 */
export async function acceptTransfer(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  transferId: string,
): Promise<{ transfer: TransferView; clientId: string }> {
  requirePermission(ctx.actor, 'dossier.transfer');
  const ura = organisationOf(ctx.actor);
  const clientId = await inOrganisation(db, ura, async (trx) => {
    const row = await trx
      .selectFrom('dossier_transfer')
      .selectAll()
      .where('id', '=', transferId)
      .where('to_ura', '=', ura)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Deze overdracht');
    if (row.state !== 'offered') throw notOpen(row.state);
    const doc = transferDocumentSchema.parse(row.document);
    const { id, merged } = await upsertClient(trx, ura, row.id, doc);
    const personIds = await importPersons(trx, ura, id, doc);
    await importConsent(trx, id, ura, doc, personIds);
    await importActivities(trx, ura, id, doc);
    if (!merged) {
      // The evidence is the same, so the decision must be too; refuse to commit if it is not.
      const here = await consentForExchange(trx, ura, id, row.transfer_date);
      if (here.decision !== row.consent_decision) {
        throw new ProblemError(
          409,
          'consent-decision-differs',
          'Toestemming wijkt af',
          'Na overname zou de toestemmingsbeslissing afwijken van die van de verzendende organisatie.',
        );
      }
    }
    await trx
      .updateTable('dossier_transfer')
      .set({ state: 'accepted', to_client_id: id, accepted_by: ctx.actor.userId, accepted_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'dossier.transfer.accept',
      subjectType: 'client',
      subjectId: id,
      requestId: ctx.requestId,
    });
    return id;
  });
  const transfer = (await listTransfers(db, ctx)).find((t) => t.id === transferId)!;
  return { transfer, clientId };
}

/** 409 for an offer that is no longer open: taken over, or withdrawn by the sender. */
function notOpen(state: 'accepted' | 'withdrawn'): ProblemError {
  const [rule, title, message] =
    state === 'accepted'
      ? (['already-accepted', 'Al overgenomen', 'Deze overdracht is al overgenomen.'] as const)
      : ([
          'withdrawn',
          'Ingetrokken',
          'Deze overdracht is ingetrokken door de verzendende organisatie.',
        ] as const);
  return new ProblemError(409, rule, title, message, [{ field: 'params.id', rule, message }]);
}

/**
 * R-V8: the sender takes an offer back before the receiver took it over (wrong organisation, the
 * move fell through). The dossier here becomes active again and repairs resume as before; the offer
 * row stays as history with state 'withdrawn'. Row locks on the offer make withdraw and accept
 * exclusive: whichever commits first wins, the other gets 409.
 */
export async function withdrawTransfer(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  transferId: string,
): Promise<TransferView> {
  requirePermission(ctx.actor, 'dossier.transfer');
  const ura = organisationOf(ctx.actor);
  await inOrganisation(db, ura, async (trx) => {
    const row = await trx
      .selectFrom('dossier_transfer')
      .select(['id', 'state', 'from_client_id'])
      .where('id', '=', transferId)
      .where('from_ura', '=', ura)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('Deze overdracht');
    if (row.state !== 'offered') throw notOpen(row.state);
    await trx
      .updateTable('dossier_transfer')
      .set({ state: 'withdrawn', withdrawn_by: ctx.actor.userId, withdrawn_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    await trx
      .updateTable('client')
      .set({ dossier_status: '01', transferred_to_ura: null, transferred_on: null })
      .where('organisation_ura', '=', ura)
      .where('id', '=', row.from_client_id)
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'dossier.transfer.withdraw',
      subjectType: 'client',
      subjectId: row.from_client_id,
      requestId: ctx.requestId,
    });
  });
  return (await listTransfers(db, ctx)).find((t) => t.id === transferId)!;
}

async function upsertClient(
  trx: Trx,
  ura: string,
  transferId: string,
  doc: TransferDocument,
): Promise<{ id: string; merged: boolean }> {
  const c = doc.client;
  const personal = {
    bsn: c.bsn,
    given_name: c.givenName,
    name_prefix: c.prefix,
    family_name: c.familyName,
    gender: c.gender,
    birth_date: c.birthDate,
    street: c.street,
    house_number: c.houseNumber,
    house_letter: c.houseLetter,
    house_number_addition: c.houseNumberAddition,
    postcode: c.postcode,
    city: c.city,
    municipality_code: c.municipalityCode,
  };
  // A dossier this organisation already holds (e.g. non-active, for a vaccination it gave elsewhere)
  // becomes the active one.
  const existing = c.bsn
    ? await trx
        .selectFrom('client')
        .select('id')
        .where('organisation_ura', '=', ura)
        .where('bsn', '=', c.bsn)
        .forUpdate()
        .executeTakeFirst()
    : undefined;
  if (existing) {
    await trx
      .updateTable('client')
      .set({
        ...personal,
        dossier_status: '01',
        caring_ura: null,
        transferred_to_ura: null,
        transferred_on: null,
      })
      .where('id', '=', existing.id)
      .execute();
    return { id: existing.id, merged: true };
  }
  const inserted = await trx
    .insertInto('client')
    .values({
      ...personal,
      organisation_ura: ura,
      kind: c.kind,
      // BDS 695 is this organisation's own number; derived from the transfer, not from the person.
      dossier_number: `O${transferId.replace(/-/g, '').slice(0, 12).toUpperCase()}`,
      dossier_status: '01',
      transferred_to_ura: null,
      transferred_on: null,
      caring_ura: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: inserted.id, merged: false };
}

async function importPersons(
  trx: Trx,
  ura: string,
  clientId: string,
  doc: TransferDocument,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const known = await trx
    .selectFrom('client_relation as r')
    .innerJoin('related_person as p', 'p.id', 'r.person_id')
    .select(['p.id', 'p.bsn', 'p.given_name', 'p.family_name', 'p.birth_date'])
    .where('r.client_id', '=', clientId)
    .execute();
  for (const p of doc.relatedPersons) {
    const same = known.find((k) =>
      p.bsn && k.bsn
        ? k.bsn === p.bsn
        : k.given_name === p.givenName && k.family_name === p.familyName && k.birth_date === p.birthDate,
    );
    const id =
      same?.id ??
      (
        await trx
          .insertInto('related_person')
          .values({
            organisation_ura: ura,
            bsn: p.bsn,
            given_name: p.givenName,
            name_prefix: p.prefix,
            family_name: p.familyName,
            gender: p.gender,
            birth_date: p.birthDate,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    ids.set(p.ref, id);
    for (const r of p.relations) {
      await trx
        .insertInto('client_relation')
        .values({ client_id: clientId, person_id: id, relation: r.relation, has_custody: r.hasCustody })
        .onConflict((oc) => oc.columns(['client_id', 'person_id', 'relation']).doNothing())
        .execute();
    }
  }
  return ids;
}

async function importConsent(
  trx: Trx,
  clientId: string,
  ura: string,
  doc: TransferDocument,
  personIds: Map<string, string>,
): Promise<void> {
  const already = new Set(
    (
      await trx
        .selectFrom('consent_record')
        .select(['id', 'origin_record_id'])
        .where('client_id', '=', clientId)
        .execute()
    ).map((r) => r.origin_record_id ?? r.id),
  );
  const localId = new Map<string, string>();
  for (const r of doc.consentRecords) {
    if (already.has(r.originId)) continue;
    const sourcePersonId = r.sourcePersonRef === null ? null : (personIds.get(r.sourcePersonRef) ?? null);
    if (r.sourcePersonRef !== null && sourcePersonId === null) {
      throw new ProblemError(
        422,
        'rule-violation',
        'Onvolledig document',
        'Een toestemming noemt een onbekende persoon.',
        [
          {
            field: 'document.consentRecords',
            rule: 'known-source-person',
            message: 'Onbekende bronpersoon.',
          },
        ],
      );
    }
    const inserted = await trx
      .insertInto('consent_record')
      .values({
        client_id: clientId,
        organisation_ura: ura,
        agreed: r.agreed,
        source_person_id: sourcePersonId,
        source: r.source,
        consent_date: r.date,
        method: r.method,
        note: r.note,
        registered_by: r.registeredBy,
        registered_at: new Date(r.registeredAt),
        origin_ura: r.originUra,
        origin_record_id: r.originId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    localId.set(r.originId, inserted.id);
  }
  for (const r of doc.consentRecords) {
    const id = localId.get(r.originId);
    if (!id || r.endDate === null) continue;
    await trx
      .insertInto('consent_record_end')
      .values({
        record_id: id,
        end_date: r.endDate,
        ended_by_record_id: r.endedByOriginId ? (localId.get(r.endedByOriginId) ?? null) : null,
        registered_by: r.registeredBy,
      })
      .execute();
  }
  for (const j of doc.competenceJudgements) {
    const seen = await trx
      .selectFrom('competence_judgement')
      .select('id')
      .where('client_id', '=', clientId)
      .where((eb) => eb.or([eb('origin_judgement_id', '=', j.originId), eb('id', '=', j.originId)]))
      .executeTakeFirst();
    if (seen) continue;
    await trx
      .insertInto('competence_judgement')
      .values({
        client_id: clientId,
        organisation_ura: ura,
        judged_on: j.date,
        competent: j.competent,
        explanation: j.explanation,
        registered_by: j.registeredBy,
        registered_at: new Date(j.registeredAt),
        origin_ura: j.originUra,
        origin_judgement_id: j.originId,
      })
      .execute();
  }
}

/** A vaccination copied from another organisation's dossier, as the document carries it. */
export interface CopiedVaccination {
  vaccineType: string;
  date: IsoDate;
  batchNumber: string;
  performer: string;
  location: string;
  objection: '1' | '2' | '98' | null;
  status?: 'active' | 'cancelled';
  recordedBy: string;
}

/**
 * Writes an activity of another organisation into this dossier with its origin (provenance: the
 * origin alone may send it, R-V8/R-V9), and its vaccinations. Returns the new activity's key.
 */
export async function insertCopiedActivity(
  trx: Transaction<DossierSchema>,
  target: { ura: string; clientId: string },
  activity: {
    activityId: string;
    activityType: string;
    activityDate: IsoDate;
    originUra: string;
    version: number;
    createdBy: string;
  },
  vaccinations: readonly CopiedVaccination[],
): Promise<string> {
  const row = await trx
    .insertInto('activity')
    .values({
      organisation_ura: target.ura,
      client_id: target.clientId,
      activity_id: activity.activityId,
      activity_type: activity.activityType,
      activity_date: activity.activityDate,
      origin_ura: activity.originUra,
      version: activity.version,
      created_by: activity.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (vaccinations.length > 0) {
    await trx
      .insertInto('vaccination')
      .values(
        vaccinations.map((v) => ({
          activity_pk: row.id,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
          objection: v.objection,
          ...(v.status ? { status: v.status } : {}),
          recorded_by: v.recordedBy,
          changed_by: null,
          changed_at: null,
        })),
      )
      .execute();
  }
  return row.id;
}

async function importActivities(
  trx: Trx,
  ura: string,
  clientId: string,
  doc: TransferDocument,
): Promise<void> {
  for (const a of doc.activities) {
    // The activity id stays the one the registry knows under its origin: provenance, never resent.
    const existing = await trx
      .selectFrom('activity')
      .select(['id', 'origin_ura'])
      .where('organisation_ura', '=', ura)
      .where('activity_id', '=', a.activityId)
      .executeTakeFirst();
    if (existing) {
      if (existing.origin_ura === a.originUra) continue; // came here before (a notification, R-V9)
      throw new ProblemError(
        409,
        'activity-id-collision',
        'Dubbel activiteit-ID',
        'Een activiteit-ID bestaat hier al.',
      );
    }
    await insertCopiedActivity(trx, { ura, clientId }, a, a.vaccinations);
  }
}

const TransferViewSchema = z.object({
  id: z.string(),
  direction: z.enum(['incoming', 'outgoing']),
  fromUra: z.string(),
  fromName: z.string().nullable(),
  toUra: z.string(),
  toName: z.string().nullable(),
  transferDate: z.string(),
  state: z.enum(['offered', 'accepted', 'withdrawn']),
  consentDecision: z.enum(['toestemming', 'geen-toestemming']),
  client: z.object({
    givenName: z.string(),
    prefix: z.string().nullable(),
    familyName: z.string(),
    birthDate: z.string(),
    bsn: z.string().nullable(),
  }),
  counts: z.object({ activities: z.number(), vaccinations: z.number(), consentRecords: z.number() }),
  fromClientId: z.string().nullable(),
  toClientId: z.string().nullable(),
});

/** Routes of R-V8. */
export function registerTransferRoutes(app: App, db: Kysely<DossierSchema>, today: () => IsoDate): void {
  const ctx = (request: { actor: Actor | null; id: string }): RequestContext => ({
    actor: request.actor!,
    requestId: request.id,
  });
  app.get(
    '/api/organisations',
    {
      schema: {
        tags: ['transfer'],
        summary: 'Youth-health organisations in this dossier (receivers of a transfer)',
        response: { 200: z.object({ items: z.array(z.object({ ura: z.string(), name: z.string() })) }) },
      },
    },
    async (request) => {
      requirePermission(request.actor, 'client.read');
      const items = await db.selectFrom('organisation').select(['ura', 'name']).orderBy('name').execute();
      return { items };
    },
  );
  app.get(
    '/api/transfers',
    {
      schema: {
        tags: ['transfer'],
        summary: 'Dossier transfers sent by or offered to this organisation (R-V8)',
        response: { 200: z.object({ items: z.array(TransferViewSchema) }) },
      },
    },
    async (request) => ({ items: await listTransfers(db, ctx(request)) }),
  );
  app.post(
    '/api/clients/:id/transfer',
    {
      schema: {
        tags: ['transfer'],
        summary: 'Transfer the dossier to another organisation; this dossier becomes non-active (R-V8)',
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({
          toUra: z
            .string()
            .regex(/^\d{8}$/)
            .describe('URA of the receiving organisation'),
        }),
        response: { 201: TransferViewSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await offerTransfer(db, ctx(request), request.params.id, request.body, today())),
  );
  app.post(
    '/api/transfers/:id/accept',
    {
      schema: {
        tags: ['transfer'],
        summary: 'Take over a transferred dossier with its vaccinations and consent evidence (R-V8)',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ transfer: TransferViewSchema, clientId: z.string() }) },
      },
    },
    async (request) => acceptTransfer(db, ctx(request), request.params.id),
  );
  app.post(
    '/api/transfers/:id/withdraw',
    {
      schema: {
        tags: ['transfer'],
        summary: 'Withdraw an offer not yet taken over; the dossier here becomes active again (R-V8)',
        params: z.object({ id: z.uuid() }),
        response: { 200: TransferViewSchema },
      },
    },
    async (request) => withdrawTransfer(db, ctx(request), request.params.id),
  );
}
