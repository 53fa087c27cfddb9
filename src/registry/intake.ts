import { sql, type Kysely } from 'kysely';
import { anonymise, validateMessage, type VaccinationMessage } from '../domain/messages/index.js';
import { appendAudit } from '../db/audit.js';
import { verifySigned, type KeyResolver } from '../exchange/signing.js';
import type { IntakeResult } from '../exchange/sender.js';
import {
  assessSchedule,
  compareDoses,
  loadRegistryDoses,
  loadRegistryDosesOf,
  type RegistryDose,
} from './schedule-service.js';
import type { RegistrySchema } from './schema.js';

export const MAX_BATCH = 1000;

/**
 * Intake of a batch of signed vaccination messages (R-R5, R-V4). Idempotent by (URA, activity id,
 * version): a retried delivery has exactly one effect.
 *
 * Fast path (issue 8): signatures and contents are checked first; the valid messages are then stored
 * set-based, in groups of up to 50 with distinct activities (a handful of statements and one commit
 * per group instead of per message), with the same outcomes, rows, audit entries (in message order)
 * and feedback as one by one. When the database refuses a group's transaction, that group is stored
 * one message per transaction, so one bad message never blocks or half-writes the others.
 */
export async function receiveMessages(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  messages: string[],
  options: {
    setBased?: boolean;
    onFallback?: (error: unknown) => void;
    /** After each group's commit: progress for the log (operators; the fault tests wait for it). */
    onGroupStored?: (messages: number) => void;
  } = {},
): Promise<IntakeResult[]> {
  const checked = await Promise.all(messages.map((jws) => check(keys, jws)));
  const results: IntakeResult[] = new Array<IntakeResult>(messages.length);
  const refusals: Array<{ index: number; refusal: Refusal }> = [];
  const valid: Array<{ index: number; message: VaccinationMessage }> = [];
  checked.forEach((c, index) => {
    if (c.ok) valid.push({ index, message: c.message });
    else refusals.push({ index, refusal: c });
  });
  if (refusals.length > 0) {
    await db
      .insertInto('intake_refusal')
      .values(refusals.map(({ refusal }) => refusalRow(refusal)))
      .execute();
    for (const { index, refusal } of refusals) {
      results[index] = { index, outcome: 'refused', rule: refusal.rule, reason: refusal.reason };
    }
  }
  // Groups of at most GROUP messages, each with distinct activities, stored in message order: one
  // transaction per group, so what a group committed stays committed when a later one fails.
  const groups: Array<typeof valid> = [];
  let group: typeof valid = [];
  let keysInGroup = new Set<string>();
  for (const v of valid) {
    const key = `${v.message.organisationUra}|${v.message.activity.id}`;
    if (group.length >= GROUP || keysInGroup.has(key)) {
      groups.push(group);
      group = [];
      keysInGroup = new Set();
    }
    group.push(v);
    keysInGroup.add(key);
  }
  if (group.length > 0) groups.push(group);
  for (const members of groups) {
    let stored: Map<number, StoredOutcome> | null = null;
    if (options.setBased !== false) {
      try {
        stored = await db.transaction().execute((trx) => storeBatch(trx, members));
      } catch (error) {
        // A message the database refuses: one by one below finds it and the others still land.
        // Anything else (connection lost, shutdown) fails the delivery; the sender retries it.
        if (!isDataError(error)) throw error;
        options.onFallback?.(error);
      }
    }
    for (const { index, message } of members) {
      const done = stored?.get(index);
      // Feedback of the set-based path is judged after the commit, outside the audit chain's lock.
      const outcome =
        typeof done === 'function'
          ? done()
          : (done ?? (await db.transaction().execute((trx) => store(trx, message))));
      results[index] = { index, ...outcome };
    }
    options.onGroupStored?.(members.length);
  }
  return results;
}

/** Messages per set-based transaction: few commits, yet a failure loses little work. */
const GROUP = 50;

/** Data exceptions (22), constraint violations (23) and rollbacks such as deadlocks (40). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|40)/.test(code);
}

interface Refusal {
  ok: false;
  rule: string;
  reason: string;
  raw?: { organisationUra?: unknown; activity?: { id?: unknown }; version?: unknown };
}

/** Signature, contents and signer: the message, or why it is refused. */
async function check(
  keys: KeyResolver,
  jws: string,
): Promise<{ ok: true; message: VaccinationMessage } | Refusal> {
  const verified = await verifySigned(jws, keys);
  if (!verified.ok) return { ok: false, rule: verified.rule, reason: verified.reason };
  const raw = verified.payload as Refusal['raw'];
  const validation = validateMessage(verified.payload);
  if (!validation.ok) {
    const first = validation.errors[0]!;
    const reason = validation.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { ok: false, rule: first.rule, reason, ...(raw ? { raw } : {}) };
  }
  const message = validation.message;
  if (verified.signerUra !== message.organisationUra) {
    return {
      ok: false,
      rule: 'signer-ura-mismatch',
      reason: `Ondertekend door URA ${verified.signerUra}, maar het bericht is van URA ${message.organisationUra}.`,
      ...(raw ? { raw } : {}),
    };
  }
  return { ok: true, message };
}

function refusalRow(refusal: Refusal) {
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 20 ? v : null);
  const message = refusal.raw;
  return {
    organisation_ura: str(message?.organisationUra),
    activity_id: str(message?.activity?.id),
    version:
      typeof message?.version === 'number' && Number.isInteger(message.version) ? message.version : null,
    rule: refusal.rule,
    reason: refusal.reason.slice(0, 1000),
  };
}

/** Rows per multi-row insert: well under PostgreSQL's 65,535 bind parameters. */
const ROWS_PER_INSERT = 2000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) out.push(rows.slice(i, i + ROWS_PER_INSERT));
  return out;
}

/** An outcome, or (accepted and linked) one whose validity feedback is judged once the batch committed. */
type StoredOutcome = Omit<IntakeResult, 'index'> | (() => Omit<IntakeResult, 'index'>);

/**
 * Intake transactions take the audit chain's lock (migration 003's advisory lock) first: they hold
 * row locks (received versions, consent facts) and append to the audit trail, and taking that lock
 * before any row lock keeps concurrent batches from deadlocking on each other's rows.
 */
async function lockAuditChain(trx: Kysely<RegistrySchema>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('rvp-audit-chain'))`.execute(trx);
}

/**
 * The set-based twin of `store` for a batch whose activities are all distinct: the same decisions
 * (duplicate, stale, held, unlinked → anonymous, replace on a newer version) made for all at once.
 */
async function storeBatch(
  trx: Kysely<RegistrySchema>,
  batch: Array<{ index: number; message: VaccinationMessage }>,
): Promise<Map<number, StoredOutcome>> {
  const outcomes = new Map<number, StoredOutcome>();
  await lockAuditChain(trx);
  const uras = batch.map((b) => b.message.organisationUra);
  const activityIds = batch.map((b) => b.message.activity.id);
  const previousRows = await sql<{ organisation_ura: string; activity_id: string; version: number }>`
    select r.organisation_ura, r.activity_id, r.version from received_activity r
    join unnest(${uras}::text[], ${activityIds}::text[]) as k(ura, activity_id)
      on r.organisation_ura = k.ura and r.activity_id = k.activity_id
    order by r.organisation_ura, r.activity_id
    for update of r`.execute(trx);
  const previous = new Map(
    previousRows.rows.map((r) => [`${r.organisation_ura}|${r.activity_id}`, r.version]),
  );

  const bsns = [
    ...new Set(
      batch.flatMap((b) => (b.message.schema === 'open-rvp/message-4/v1' ? [b.message.client.bsn] : [])),
    ),
  ];
  const persons =
    bsns.length > 0
      ? await trx.selectFrom('person').select(['id', 'bsn']).where('bsn', 'in', bsns).execute()
      : [];
  const personByBsn = new Map(persons.map((p) => [p.bsn, p.id]));
  const personIds = [...new Set(persons.map((p) => p.id))];
  const unlinkedRows =
    personIds.length > 0
      ? await trx
          .selectFrom('unlink_request')
          .select('person_id')
          .where('person_id', 'in', personIds)
          .execute()
      : [];
  const unlinked = new Set(unlinkedRows.map((u) => u.person_id));

  interface Accepted {
    index: number;
    message: VaccinationMessage;
    personId: string | null;
  }
  const accepted: Accepted[] = [];
  const held: Array<{ index: number; message: VaccinationMessage }> = [];
  for (const { index, message } of batch) {
    const before = previous.get(`${message.organisationUra}|${message.activity.id}`);
    if (before !== undefined && before === message.version) {
      outcomes.set(index, { outcome: 'duplicate' });
      continue;
    }
    if (before !== undefined && before > message.version) {
      outcomes.set(index, {
        outcome: 'stale',
        reason: `Versie ${message.version} is ouder dan de ontvangen versie ${before}.`,
      });
      continue;
    }
    if (message.schema === 'open-rvp/message-4/v1') {
      const personId = personByBsn.get(message.client.bsn);
      if (personId === undefined) {
        held.push({ index, message });
        outcomes.set(index, {
          outcome: 'held',
          rule: 'unknown-bsn',
          reason: 'Het BSN is niet bekend in het register; het bericht staat op de werklijst.',
        });
        continue;
      }
      // R-R6: the person asked the registry to unlink; personal data is dropped from what still comes.
      if (unlinked.has(personId)) accepted.push({ index, message: anonymise(message), personId: null });
      else accepted.push({ index, message, personId });
    } else {
      accepted.push({ index, message, personId: null });
    }
  }

  for (const rows of chunks(held)) {
    await trx
      .insertInto('intake_worklist')
      .values(
        rows.map(({ message }) => ({
          organisation_ura: message.organisationUra,
          activity_id: message.activity.id,
          version: message.version,
          reason_code: 'unknown-bsn',
          reason: 'Het BSN is niet bekend in het register.',
          message,
          resolved_at: null,
        })),
      )
      .execute();
  }
  if (accepted.length === 0) return outcomes;

  // The linked persons' vaccinations as they stand before this batch (for feedback, below).
  const linked = accepted.filter((a) => a.personId !== null);
  const feedbackPersons = [...new Set(linked.map((a) => a.personId!))];
  const dosesBefore = new Map<string, RegistryDose[]>();
  for (const ids of chunks(feedbackPersons)) {
    for (const [personId, doses] of await loadRegistryDosesOf(trx, ids)) dosesBefore.set(personId, doses);
  }

  // A repair (higher version) replaces what came before, personalised or anonymous (R-V4).
  const replaceUras = accepted.map((a) => a.message.organisationUra);
  const replaceIds = accepted.map((a) => a.message.activity.id);
  await sql`delete from vaccination_event v using unnest(${replaceUras}::text[], ${replaceIds}::text[]) as k(ura, activity_id)
    where v.organisation_ura = k.ura and v.activity_id = k.activity_id`.execute(trx);
  await sql`delete from anonymous_vaccination v using unnest(${replaceUras}::text[], ${replaceIds}::text[]) as k(ura, activity_id)
    where v.organisation_ura = k.ura and v.activity_id = k.activity_id`.execute(trx);

  const personalRows = accepted.flatMap(({ message, personId }) =>
    message.schema === 'open-rvp/message-4/v1' && personId
      ? message.vaccinations.map((v) => ({
          person_id: personId,
          organisation_ura: message.organisationUra,
          activity_id: message.activity.id,
          activity_type: message.activity.type,
          activity_date: message.activity.date,
          version: message.version,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
          objection: v.objection,
        }))
      : [],
  );
  for (const rows of chunks(personalRows)) await trx.insertInto('vaccination_event').values(rows).execute();
  const anonymousRows = accepted.flatMap(({ message }) =>
    message.schema === 'open-rvp/message-4a/v1'
      ? message.vaccinations.map((v) => ({
          organisation_ura: message.organisationUra,
          activity_id: message.activity.id,
          activity_type: message.activity.type,
          activity_date: message.activity.date,
          dossier_status: message.dossierStatus,
          version: message.version,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
        }))
      : [],
  );
  for (const rows of chunks(anonymousRows)) {
    await trx.insertInto('anonymous_vaccination').values(rows).execute();
  }

  // R-C7: only that consent was given, its date, and by which organisation; the last message wins.
  const facts = new Map<string, { person_id: string; organisation_ura: string; consent_date: string }>();
  for (const { message, personId } of accepted) {
    if (message.schema !== 'open-rvp/message-4/v1' || !personId) continue;
    const key = `${personId}|${message.consent.organisationUra}`;
    facts.delete(key);
    facts.set(key, {
      person_id: personId,
      organisation_ura: message.consent.organisationUra,
      consent_date: message.consent.date,
    });
  }
  for (const rows of chunks([...facts.values()])) {
    await trx
      .insertInto('consent_fact')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['person_id', 'organisation_ura'])
          .doUpdateSet((eb) => ({ consent_date: eb.ref('excluded.consent_date') })),
      )
      .execute();
  }
  const receivedAt = new Date();
  for (const rows of chunks(accepted)) {
    await trx
      .insertInto('received_activity')
      .values(
        rows.map(({ message }) => ({
          organisation_ura: message.organisationUra,
          activity_id: message.activity.id,
          version: message.version,
          kind:
            message.schema === 'open-rvp/message-4/v1' ? ('personalised' as const) : ('anonymous' as const),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['organisation_ura', 'activity_id']).doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          kind: eb.ref('excluded.kind'),
          received_at: receivedAt,
        })),
      )
      .execute();
  }
  // One audit entry per message, in message order (the trigger chains them one by one).
  for (const rows of chunks(accepted)) {
    await trx
      .insertInto('audit_event')
      .values(
        rows.map(({ message, personId }) => {
          const kind = message.schema === 'open-rvp/message-4/v1' ? 'personalised' : 'anonymous';
          return {
            actor_id: `exchange:${message.organisationUra}`,
            organisation_ura: message.organisationUra,
            action: `intake.${kind}`,
            subject_type: personId ? 'person' : 'anonymous-activity',
            subject_id: personId,
            request_id: null,
          };
        }),
      )
      .execute();
  }

  // R-R3 feedback, judged as one by one would: each message against the person's history as it
  // stood right after that message (earlier messages of the batch applied, later ones not yet).
  const position = new Map(
    accepted.map((a) => [`${a.message.organisationUra}|${a.message.activity.id}`, a.index]),
  );
  const people = new Map<string, { birth_date: string; gender: string }>();
  const dosesOf = new Map<string, RegistryDose[]>();
  for (const ids of chunks(feedbackPersons)) {
    for (const p of await trx
      .selectFrom('person')
      .select(['id', 'birth_date', 'gender'])
      .where('id', 'in', ids)
      .execute()) {
      people.set(p.id, p);
    }
    for (const [personId, doses] of await loadRegistryDosesOf(trx, ids)) dosesOf.set(personId, doses);
  }
  for (const a of accepted) {
    if (a.personId === null) {
      outcomes.set(a.index, { outcome: 'accepted' });
      continue;
    }
    const at = (d: RegistryDose) => position.get(`${d.organisationUra}|${d.activityId}`);
    const doses = [
      ...(dosesBefore.get(a.personId) ?? []).filter((d) => (at(d) ?? Infinity) > a.index),
      ...(dosesOf.get(a.personId) ?? []).filter((d) => (at(d) ?? Infinity) <= a.index),
    ].sort(compareDoses);
    const person = people.get(a.personId)!;
    const { organisationUra, activity } = a.message;
    outcomes.set(a.index, () => ({
      outcome: 'accepted',
      ...feedbackFor(person, doses, organisationUra, activity.id),
    }));
  }
  return outcomes;
}

async function store(
  trx: Kysely<RegistrySchema>,
  message: VaccinationMessage,
): Promise<Omit<IntakeResult, 'index'>> {
  await lockAuditChain(trx);
  const ura = message.organisationUra;
  const activityId = message.activity.id;
  const previous = await trx
    .selectFrom('received_activity')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
    .forUpdate()
    .executeTakeFirst();
  if (previous && previous.version === message.version) return { outcome: 'duplicate' };
  if (previous && previous.version > message.version) {
    return {
      outcome: 'stale',
      reason: `Versie ${message.version} is ouder dan de ontvangen versie ${previous.version}.`,
    };
  }

  let personId: string | null = null;
  if (message.schema === 'open-rvp/message-4/v1') {
    const person = await trx
      .selectFrom('person')
      .select('id')
      .where('bsn', '=', message.client.bsn)
      .executeTakeFirst();
    if (!person) {
      await trx
        .insertInto('intake_worklist')
        .values({
          organisation_ura: ura,
          activity_id: activityId,
          version: message.version,
          reason_code: 'unknown-bsn',
          reason: 'Het BSN is niet bekend in het register.',
          message,
          resolved_at: null,
        })
        .execute();
      return {
        outcome: 'held',
        rule: 'unknown-bsn',
        reason: 'Het BSN is niet bekend in het register; het bericht staat op de werklijst.',
      };
    }
    personId = person.id;
    const unlinked = await trx
      .selectFrom('unlink_request')
      .select('id')
      .where('person_id', '=', person.id)
      .executeTakeFirst();
    if (unlinked) {
      // R-R6: the person asked the registry to unlink; what the dossier still sends with personal
      // data (a new activity or a repair) is kept without it.
      message = anonymise(message);
      personId = null;
    }
  }

  // A repair (higher version) replaces what came before, personalised or anonymous (R-V4).
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

  if (message.schema === 'open-rvp/message-4/v1') {
    if (message.vaccinations.length > 0) {
      await trx
        .insertInto('vaccination_event')
        .values(
          message.vaccinations.map((v) => ({
            person_id: personId!,
            organisation_ura: ura,
            activity_id: activityId,
            activity_type: message.activity.type,
            activity_date: message.activity.date,
            version: message.version,
            vaccine_type: v.vaccineType,
            vaccination_date: v.date,
            batch_number: v.batchNumber,
            performer: v.performer,
            location: v.location,
            objection: v.objection,
          })),
        )
        .execute();
    }
    // R-C7: only that consent was given, its date, and by which organisation.
    await trx
      .insertInto('consent_fact')
      .values({
        person_id: personId!,
        organisation_ura: message.consent.organisationUra,
        consent_date: message.consent.date,
      })
      .onConflict((oc) =>
        oc.columns(['person_id', 'organisation_ura']).doUpdateSet({ consent_date: message.consent.date }),
      )
      .execute();
  } else if (message.vaccinations.length > 0) {
    await trx
      .insertInto('anonymous_vaccination')
      .values(
        message.vaccinations.map((v) => ({
          organisation_ura: ura,
          activity_id: activityId,
          activity_type: message.activity.type,
          activity_date: message.activity.date,
          dossier_status: message.dossierStatus,
          version: message.version,
          vaccine_type: v.vaccineType,
          vaccination_date: v.date,
          batch_number: v.batchNumber,
          performer: v.performer,
          location: v.location,
        })),
      )
      .execute();
  }
  const kind = message.schema === 'open-rvp/message-4/v1' ? 'personalised' : 'anonymous';
  await trx
    .insertInto('received_activity')
    .values({ organisation_ura: ura, activity_id: activityId, version: message.version, kind })
    .onConflict((oc) =>
      oc
        .columns(['organisation_ura', 'activity_id'])
        .doUpdateSet({ version: message.version, kind, received_at: new Date() }),
    )
    .execute();
  await appendAudit(trx, {
    actorId: `exchange:${ura}`,
    organisationUra: ura,
    action: `intake.${kind}`,
    subjectType: personId ? 'person' : 'anonymous-activity',
    subjectId: personId,
  });
  return personId
    ? { outcome: 'accepted', ...(await validityFeedback(trx, personId, ura, activityId)) }
    : { outcome: 'accepted' };
}

/**
 * R-R3: the registry judges the activity's doses against the person's whole history and tells the
 * organisation that gave them which are not valid, in the answer to its own message.
 */
async function validityFeedback(
  trx: Kysely<RegistrySchema>,
  personId: string,
  ura: string,
  activityId: string,
): Promise<Pick<IntakeResult, 'feedback'>> {
  const person = await trx
    .selectFrom('person')
    .select(['birth_date', 'gender'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const doses = await loadRegistryDoses(trx, personId);
  return feedbackFor(person, doses, ura, activityId);
}

function feedbackFor(
  person: { birth_date: string; gender: string },
  doses: RegistryDose[],
  ura: string,
  activityId: string,
): Pick<IntakeResult, 'feedback'> {
  const mine = doses.filter((d) => d.organisationUra === ura && d.activityId === activityId);
  if (mine.length === 0) return {};
  const latest = mine
    .map((d) => d.date)
    .sort()
    .at(-1)!;
  const assessment = assessSchedule({ birthDate: person.birth_date, gender: person.gender }, doses, latest);
  const feedback = assessment.doses
    .filter(
      (d) => d.organisationUra === ura && d.activityId === activityId && d.validity.status === 'Not Valid',
    )
    .map((d) => ({
      vaccineType: d.vaccineType,
      date: d.date,
      status: d.validity.status,
      reason: d.validity.reason,
    }));
  return feedback.length > 0 ? { feedback } : {};
}
