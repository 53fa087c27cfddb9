import { sql, type Kysely, type RawBuilder } from 'kysely';
import { anonymise, validateMessage, type VaccinationMessage } from '../domain/messages/index.js';
import { arrayLiteral } from '../db/array-literal.js';
import { appendAudit } from '../db/audit.js';
import {
  lockIntakeKeys,
  lockIntakeKeysAndAuditChain,
  unlockIntakeKeys,
  type IntakeKeys,
} from './intake-locks.js';
import type { SignatureChecker } from '../exchange/signature-worker.js';
import {
  verifyBatchJws,
  verifySigned,
  verifySignedBatch,
  type HeaderCache,
  type KeyResolver,
  type VerifyResult,
} from '../exchange/signing.js';
import type { IntakeResult } from '../exchange/sender.js';
import {
  compareDoses,
  judgeDoses,
  loadRegistryDoses,
  type RegistryDose,
  vaccineGroupsOf,
} from './schedule-service.js';
import type { RegistrySchema } from './schema.js';

export const MAX_BATCH = 1000;

/**
 * Intake of a batch of signed vaccination messages (R-R5, R-V4). Idempotent by (URA, activity id,
 * version): a retried delivery has exactly one effect.
 *
 * Fast path (issue 8): signatures and contents are checked first; the valid messages are then stored
 * set-based, in groups of 50–250 with distinct activities (a few statements and one commit per group
 * instead of per message), with the same outcomes, rows, audit entries (in message order)
 * and feedback as one by one. When the database refuses a group's statement, that group is stored
 * one message per transaction, so one bad message never blocks or half-writes the others.
 * Concurrent batches store side by side except where they share an activity or a person
 * (src/registry/intake-locks.ts).
 */
export async function receiveMessages(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  messages: string[],
  options: IntakeOptions & {
    /** Checks the signatures of a batch of at least WORKER_BATCH_MIN messages in one hand-over. */
    signatures?: SignatureChecker;
  } = {},
): Promise<IntakeResult[]> {
  let checked: Checked[];
  if (options.signatures && messages.length >= WORKER_BATCH_MIN) {
    const verified = await verifySignedBatch(messages, keys, options.signatures);
    checked = verified.map(checkContents);
  } else {
    const headers: HeaderCache = new Map(); // this batch's signers, looked up once each
    checked = await Promise.all(
      // On libuv's thread pool: a batch at a time.
      messages.map(async (jws) =>
        checkContents(await verifySigned(jws, keys, { threadPool: true, headers })),
      ),
    );
  }
  return storeChecked(db, checked, options);
}

export interface IntakeOptions {
  setBased?: boolean;
  onFallback?: (error: unknown) => void;
  /** After each group's commit: progress for the log (operators; the fault tests wait for it). */
  onGroupStored?: (messages: number) => void;
}

type Checked = { ok: true; message: VaccinationMessage } | Refusal;

/**
 * Intake of a signed batch (JWS_BATCH_TYPE): one organisation's messages under one signature (issue
 * 8: one ES256 check per delivery instead of per message). A batch whose signature, signer or form
 * fails is refused whole, before any of its messages is stored: none of them can be trusted, not even
 * their number (the refusal itself is kept for registry staff). Otherwise each message is judged and stored exactly as receiveMessages does, its
 * signer being the batch's.
 */
export async function receiveSignedBatch(
  db: Kysely<RegistrySchema>,
  keys: KeyResolver,
  jws: string,
  options: IntakeOptions = {},
): Promise<{ ok: true; results: IntakeResult[] } | { ok: false; rule: string; reason: string }> {
  const verified = await verifyBatchJws(jws, keys);
  if (!verified.ok) return refuseBatch(db, verified);
  const count = verified.messages.length;
  if (count === 0 || count > MAX_BATCH) {
    return refuseBatch(db, {
      rule: 'batch-size',
      reason: `Een batch bevat 1 tot ${MAX_BATCH} berichten, deze ${count}.`,
    });
  }
  const signer = verified.signerUra;
  const checked = verified.messages.map((payload) => checkContents({ ok: true, payload, signerUra: signer }));
  return { ok: true, results: await storeChecked(db, checked, options) };
}

/**
 * A batch refused whole goes on the registry's worklist as a refusal without any message: nothing in
 * it can be trusted, not even who sent it.
 */
async function refuseBatch(
  db: Kysely<RegistrySchema>,
  refusal: { rule: string; reason: string },
): Promise<{ ok: false; rule: string; reason: string }> {
  await db
    .insertInto('intake_refusal')
    .values(refusalRow({ ok: false, rule: refusal.rule, reason: `Batch geweigerd: ${refusal.reason}` }))
    .execute();
  return { ok: false, rule: refusal.rule, reason: refusal.reason };
}

/** Stores checked messages (refusals recorded, the valid ones in groups); one result per message. */
async function storeChecked(
  db: Kysely<RegistrySchema>,
  checked: Checked[],
  options: IntakeOptions,
): Promise<IntakeResult[]> {
  const results: IntakeResult[] = new Array<IntakeResult>(checked.length);
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
  const groupSize = Math.min(GROUP_MAX, Math.max(GROUP_MIN, Math.ceil(valid.length / GROUPS_PER_BATCH)));
  let group: typeof valid = [];
  let keysInGroup = new Set<string>();
  for (const v of valid) {
    const key = `${v.message.organisationUra}|${v.message.activity.id}`;
    if (group.length >= groupSize || keysInGroup.has(key)) {
      groups.push(group);
      group = [];
      keysInGroup = new Set();
    }
    group.push(v);
    keysInGroup.add(key);
  }
  if (group.length > 0) groups.push(group);
  for (const members of groups) {
    let stored: Awaited<ReturnType<typeof storeGroup>> | null = null;
    if (options.setBased !== false) {
      try {
        stored = await db.connection().execute((connection) => storeGroup(connection, members));
      } catch (error) {
        // A message the database refuses: one by one below finds it and the others still land.
        // Anything else (connection lost, shutdown) fails the delivery; the sender retries it.
        if (!isDataError(error)) throw error;
        options.onFallback?.(error);
      }
    }
    if (stored) {
      // Judged after the commit: other groups store meanwhile.
      judgeFeedback(stored.pending, stored.outcomes);
      for (const { index } of members) results[index] = { index, ...stored.outcomes.get(index)! };
    } else {
      for (const { index, message } of members) {
        results[index] = { index, ...(await db.transaction().execute((trx) => store(trx, message))) };
      }
    }
    options.onGroupStored?.(members.length);
  }
  return results;
}

/**
 * Smallest batch whose signatures go to the checker's worker thread: below it the thread pool's
 * per-message hand-overs cost less than starting a worker (tests, single resends).
 */
export const WORKER_BATCH_MIN = 64;

/**
 * Messages per set-based transaction: a batch commits in about four groups (at least 50, at most
 * 250 messages each): few round trips per message, yet a failure loses little work and a registry
 * stopped mid-batch keeps what it committed (test/db/faults.test.ts).
 */
const GROUPS_PER_BATCH = 4;
const GROUP_MIN = 50;
const GROUP_MAX = 250;

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

/** Contents and signer of a verified message: the message, or why it is refused. */
function checkContents(verified: VerifyResult): Checked {
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

/** What a committed group still owes its answers: R-R3 feedback, judged after the commit. */
interface PendingFeedback {
  /** Accepted messages linked to a person, in message order. */
  linked: Array<{ index: number; person: PersonRow; organisationUra: string; activityId: string }>;
  /** Per linked person, the doses as they stood before the group (replaced ones included). */
  before: Map<string, RegistryDose[]>;
  /** Per linked person, the doses the group stored. */
  stored: Map<string, RegistryDose[]>;
  /** Message position of every activity the group stored, by URA and activity id (no key text to make per dose). */
  position: Map<string, Map<string, number>>;
}

interface PersonRow {
  id: string;
  bsn: string;
  birth_date: string;
  gender: string;
  unlinked: boolean;
}

/**
 * The group's persons by BSN and whether they asked to be unlinked (R-R6), read under the group's
 * locks (an unlink takes the person's lock too), in one read that locks no row.
 */
async function readPersons(
  db: Kysely<RegistrySchema>,
  batch: Array<{ message: VaccinationMessage }>,
): Promise<Map<string, PersonRow>> {
  const bsns = [
    ...new Set(
      batch.flatMap((b) => (b.message.schema === 'open-rvp/message-4/v1' ? [b.message.client.bsn] : [])),
    ),
  ];
  if (bsns.length === 0) return new Map();
  const persons = await sql<PersonRow>`
    select p.id, p.bsn, p.birth_date, p.gender,
      exists (select 1 from unlink_request u where u.person_id = p.id) as unlinked
    from person p where p.bsn = any(${arrayLiteral(bsns)}::text[])`.execute(db);
  return new Map(persons.rows.map((p) => [p.bsn, p]));
}

/** The (URA, activity) and BSN locks of messages (src/registry/intake-locks.ts). */
const keysOf = (messages: VaccinationMessage[]): IntakeKeys => ({
  activities: messages.map((m) => ({ organisationUra: m.organisationUra, activityId: m.activity.id })),
  bsns: messages.flatMap((m) => (m.schema === 'open-rvp/message-4/v1' ? [m.client.bsn] : [])),
});

/**
 * The set-based twin of `store` for a group whose activities are all distinct: the same decisions
 * (duplicate, stale, held, unlinked → anonymous, replace on a newer version) made for all at once.
 *
 * On a connection of its own: the group's activity and person locks are taken for the session, the
 * decisions are read under them, and all of the group's writes are one autocommitted statement. The
 * audit chain's lock (taken by its trigger) is so held only from the group's audit rows to the
 * commit, with no round trip to this process in between, and groups of other activities and
 * persons store side by side (issue 8: the lock held across round trips serialised intake).
 */
async function storeGroup(
  connection: Kysely<RegistrySchema>,
  batch: Array<{ index: number; message: VaccinationMessage }>,
): Promise<{ outcomes: Map<number, Omit<IntakeResult, 'index'>>; pending: PendingFeedback }> {
  await lockIntakeKeys(connection, keysOf(batch.map((b) => b.message)), 'session');
  try {
    return await storeLocked(connection, batch, await readPersons(connection, batch));
  } finally {
    await unlockIntakeKeys(connection);
  }
}

/**
 * All of a group's writes are one statement, rows given with one array parameter per column
 * (`unnest`): binding thousands of scalar parameters cost more than the inserts themselves (issue 8).
 */
async function storeLocked(
  trx: Kysely<RegistrySchema>,
  batch: Array<{ index: number; message: VaccinationMessage }>,
  personByBsn: Map<string, PersonRow>,
): Promise<{ outcomes: Map<number, Omit<IntakeResult, 'index'>>; pending: PendingFeedback }> {
  const outcomes = new Map<number, Omit<IntakeResult, 'index'>>();
  const pending: PendingFeedback = { linked: [], before: new Map(), stored: new Map(), position: new Map() };
  const uras = batch.map((b) => b.message.organisationUra);
  const activityIds = batch.map((b) => b.message.activity.id);
  const previousRows = await sql<{ organisation_ura: string; activity_id: string; version: number }>`
    select r.organisation_ura, r.activity_id, r.version from received_activity r
    join unnest(${arrayLiteral(uras)}::text[], ${arrayLiteral(activityIds)}::text[]) as k(ura, activity_id)
      on r.organisation_ura = k.ura and r.activity_id = k.activity_id`.execute(trx);
  const previous = new Map(
    previousRows.rows.map((r) => [`${r.organisation_ura}|${r.activity_id}`, r.version]),
  );

  interface Accepted {
    index: number;
    message: VaccinationMessage;
    person: PersonRow | null;
    /** An earlier version was received: its rows are replaced (R-V4). */
    repair: boolean;
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
    const repair = before !== undefined;
    if (message.schema === 'open-rvp/message-4/v1') {
      const person = personByBsn.get(message.client.bsn);
      if (person === undefined) {
        held.push({ index, message });
        outcomes.set(index, {
          outcome: 'held',
          rule: 'unknown-bsn',
          reason: 'Het BSN is niet bekend in het register; het bericht staat op de werklijst.',
        });
        continue;
      }
      // R-R6: the person asked the registry to unlink; personal data is dropped from what still comes.
      if (person.unlinked) accepted.push({ index, message: anonymise(message), person: null, repair });
      else accepted.push({ index, message, person, repair });
    } else {
      accepted.push({ index, message, person: null, repair });
    }
  }

  // Held messages wait on the worklist, written in the group's one statement with the rest.
  const worklist =
    held.length > 0
      ? [
          sql`worklist as (${insertColumns('intake_worklist', [
            ['organisation_ura', 'text', held.map(({ message }) => message.organisationUra)],
            ['activity_id', 'text', held.map(({ message }) => message.activity.id)],
            ['version', 'int', held.map(({ message }) => message.version)],
            ['reason_code', 'text', held.map(() => 'unknown-bsn')],
            ['reason', 'text', held.map(() => 'Het BSN is niet bekend in het register.')],
            ['message', 'jsonb', held.map(({ message }) => JSON.stringify(message))],
          ])})`,
        ]
      : [];
  if (accepted.length === 0) {
    if (worklist.length > 0) await sql`with ${sql.join(worklist)} select 1`.execute(trx);
    return { outcomes, pending };
  }

  const acceptedUras = accepted.map((a) => a.message.organisationUra);
  const personal: VaccinationColumns & { person_id: string[]; objection: Array<string | null> } = {
    ...vaccinationColumns(),
    person_id: [],
    objection: [],
  };
  const anonymous: VaccinationColumns & { dossier_status: string[] } = {
    ...vaccinationColumns(),
    dossier_status: [],
  };
  // Accepted personalised messages are linked (an unlinked person's were anonymised above).
  for (const { message, person } of accepted) {
    for (const v of message.vaccinations) {
      const into = message.schema === 'open-rvp/message-4/v1' ? personal : anonymous;
      into.organisation_ura.push(message.organisationUra);
      into.activity_id.push(message.activity.id);
      into.activity_type.push(message.activity.type);
      into.activity_date.push(message.activity.date);
      into.version.push(message.version);
      into.vaccine_type.push(v.vaccineType);
      into.vaccination_date.push(v.date);
      into.batch_number.push(v.batchNumber);
      into.performer.push(v.performer);
      into.location.push(v.location);
      if (message.schema === 'open-rvp/message-4/v1') {
        personal.person_id.push(person!.id);
        personal.objection.push('objection' in v ? v.objection : null);
      } else {
        anonymous.dossier_status.push(message.dossierStatus);
      }
    }
  }
  // R-C7: only that consent was given, its date, and by which organisation; the last message wins.
  const facts = new Map<string, { person_id: string; organisation_ura: string; consent_date: string }>();
  for (const { message, person } of accepted) {
    if (message.schema !== 'open-rvp/message-4/v1' || !person) continue;
    const key = `${person.id}|${message.consent.organisationUra}`;
    facts.delete(key);
    facts.set(key, {
      person_id: person.id,
      organisation_ura: message.consent.organisationUra,
      consent_date: message.consent.date,
    });
  }
  const factRows = [...facts.values()];
  const kinds = accepted.map(({ message }) => kindOf(message));

  // Every write of the group in one statement, committed on its own: the audit rows' trigger takes
  // the chain's lock, held to the commit at the statement's end. The audit rows are written last (see
  // below), so the lock covers them, the statement's AFTER triggers and the commit.
  // A repair (higher version) replaces what came before, personalised or anonymous (R-V4). Only a
  // repair has rows to replace: every stored vaccination has its received activity (written in the
  // same statement, or by migration 021 for older demo rows), read above under the activity's lock.
  // So a first version, most of a peak day, costs no probe of the two vaccination tables and no
  // `on conflict` check of received_activity (issue 8).
  const repairs = accepted.filter((a) => a.repair);
  const firsts = accepted.filter((a) => !a.repair);
  const repairKeys = sql`unnest(${arrayLiteral(repairs.map((a) => a.message.organisationUra))}::text[],
    ${arrayLiteral(repairs.map((a) => a.message.activity.id))}::text[],
    ${arrayLiteral(repairs.map((a) => a.message.version))}::int[],
    ${arrayLiteral(repairs.map((a) => kindOf(a.message)))}::text[]) as k(ura, activity_id, version, kind)`;
  const writes = [
    // One audit entry per message, in message order (the trigger chains them one by one). First in
    // the list, so it runs last: PostgreSQL runs the WITH parts that change data and that the main
    // query does not read when the main query is done, the last-written first (ExecPostprocessPlan;
    // es_auxmodifytables is built with lcons). Written last, they hold the chain's lock over none of
    // the group's other writes (issue 8; test/db/intake-concurrency.test.ts).
    sql`audit as (${insertColumns('audit_event', [
      ['actor_id', 'text', acceptedUras.map((ura) => `exchange:${ura}`)],
      ['organisation_ura', 'text', acceptedUras],
      ['action', 'text', kinds.map((kind) => `intake.${kind}`)],
      ['subject_type', 'text', accepted.map((a) => (a.person ? 'person' : 'anonymous-activity'))],
      ['subject_id', 'text', accepted.map((a) => a.person?.id ?? null)],
    ])})`,
    ...worklist,
    ...(repairs.length > 0
      ? [
          sql`replaced as (delete from vaccination_event v using ${repairKeys}
            where v.organisation_ura = k.ura and v.activity_id = k.activity_id)`,
          sql`replaced_anonymous as (delete from anonymous_vaccination v using ${repairKeys}
            where v.organisation_ura = k.ura and v.activity_id = k.activity_id)`,
          sql`repaired as (update received_activity r
            set version = k.version, kind = k.kind, received_at = now() from ${repairKeys}
            where r.organisation_ura = k.ura and r.activity_id = k.activity_id)`,
        ]
      : []),
    ...(personal.person_id.length > 0
      ? [
          sql`personal as (${insertColumns(
            'vaccination_event',
            [
              ['person_id', 'uuid', personal.person_id],
              ...vaccinationColumnList(personal),
              ['objection', 'text', personal.objection],
            ],
            `returning ${DOSE_COLUMNS}`,
          )})`,
        ]
      : []),
    ...(anonymous.dossier_status.length > 0
      ? [
          sql`anonymous as (${insertColumns('anonymous_vaccination', [
            ...vaccinationColumnList(anonymous),
            ['dossier_status', 'text', anonymous.dossier_status],
          ])})`,
        ]
      : []),
    ...(factRows.length > 0
      ? [
          sql`facts as (${insertColumns(
            'consent_fact',
            [
              ['person_id', 'uuid', factRows.map((f) => f.person_id)],
              ['organisation_ura', 'text', factRows.map((f) => f.organisation_ura)],
              ['consent_date', 'date', factRows.map((f) => f.consent_date)],
            ],
            'on conflict (person_id, organisation_ura) do update set consent_date = excluded.consent_date',
          )})`,
        ]
      : []),
    ...(firsts.length > 0
      ? [
          sql`received as (${insertColumns('received_activity', [
            ['organisation_ura', 'text', firsts.map((a) => a.message.organisationUra)],
            ['activity_id', 'text', firsts.map((a) => a.message.activity.id)],
            ['version', 'int', firsts.map((a) => a.message.version)],
            ['kind', 'text', firsts.map((a) => kindOf(a.message))],
          ])})`,
        ]
      : []),
  ];
  // The statement also answers the feedback's question (R-R3, judged after the commit): the linked
  // persons' doses as they stood before it (its snapshot) and the doses it stored, one row per person
  // and part with the doses packed in one text: a dozen rows per message cost this process more to
  // receive than to judge (issue 8).
  const linkedIds = [...new Set(accepted.flatMap((a) => (a.person ? [a.person.id] : [])))];
  const stored =
    personal.person_id.length > 0
      ? sql`union all select 'stored', person_id, ${PACKED_DOSES} from personal group by person_id`
      : sql``;
  const doses = await sql<{ part: 'before' | 'stored'; person_id: string; doses: string }>`with ${sql.join(
    writes,
  )}
    select 'before' as part, person_id, ${PACKED_DOSES} from vaccination_event
    where person_id = any(${arrayLiteral(linkedIds)}::uuid[]) group by person_id ${stored}`.execute(trx);

  for (const a of accepted) {
    let ofUra = pending.position.get(a.message.organisationUra);
    if (!ofUra) pending.position.set(a.message.organisationUra, (ofUra = new Map()));
    ofUra.set(a.message.activity.id, a.index);
    if (a.person === null) outcomes.set(a.index, { outcome: 'accepted' });
    else {
      pending.linked.push({
        index: a.index,
        person: a.person,
        organisationUra: a.message.organisationUra,
        activityId: a.message.activity.id,
      });
    }
  }
  for (const r of doses.rows) {
    (r.part === 'before' ? pending.before : pending.stored).set(r.person_id, unpackDoses(r.doses));
  }
  return { outcomes, pending };
}

const kindOf = (message: VaccinationMessage): 'personalised' | 'anonymous' =>
  message.schema === 'open-rvp/message-4/v1' ? 'personalised' : 'anonymous';

/**
 * A person's doses as one text: the fields of `RegistryDose` separated by the unit separator (31),
 * doses by the record separator (30); no field holds either (codes, ids, ISO dates).
 */
const PACKED_DOSES = sql`string_agg(concat_ws(chr(31), id, organisation_ura, activity_id, activity_date,
  vaccine_type, vaccination_date), chr(30)) as doses`;

function unpackDoses(packed: string): RegistryDose[] {
  return packed.split('\x1e').map((dose) => {
    const [id, organisationUra, activityId, activityDate, vaccineType, date] = dose.split('\x1f') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return { id, organisationUra, activityId, activityDate, vaccineType, date };
  });
}

/**
 * R-R3 feedback of a committed group, after its commit (outside the audit chain's lock), judged as one
 * by one would: each message against the person's history right after that message — the group's
 * earlier messages applied, its later ones not yet (the doses they replaced still counted).
 */
function judgeFeedback(pending: PendingFeedback, outcomes: Map<number, Omit<IntakeResult, 'index'>>): void {
  const at = (d: RegistryDose) => pending.position.get(d.organisationUra)?.get(d.activityId);
  for (const l of pending.linked) {
    const doses = [
      ...(pending.before.get(l.person.id) ?? []).filter((d) => {
        const position = at(d);
        return position === undefined || position > l.index;
      }),
      ...(pending.stored.get(l.person.id) ?? []).filter((d) => at(d)! <= l.index),
    ].sort(compareDoses);
    outcomes.set(l.index, {
      outcome: 'accepted',
      ...feedbackFor(l.person, doses, l.organisationUra, l.activityId),
    });
  }
}

/** The columns of a vaccination the schedule engine needs (RegistryDose). */
const DOSE_COLUMNS =
  'id, person_id, organisation_ura, activity_id, activity_date, vaccine_type, vaccination_date';

/** The columns vaccination_event and anonymous_vaccination share, as arrays (one per column). */
interface VaccinationColumns {
  organisation_ura: string[];
  activity_id: string[];
  activity_type: string[];
  activity_date: string[];
  version: number[];
  vaccine_type: string[];
  vaccination_date: string[];
  batch_number: string[];
  performer: string[];
  location: string[];
}

const vaccinationColumns = (): VaccinationColumns => ({
  organisation_ura: [],
  activity_id: [],
  activity_type: [],
  activity_date: [],
  version: [],
  vaccine_type: [],
  vaccination_date: [],
  batch_number: [],
  performer: [],
  location: [],
});

const vaccinationColumnList = (c: VaccinationColumns): Column[] => [
  ['organisation_ura', 'text', c.organisation_ura],
  ['activity_id', 'text', c.activity_id],
  ['activity_type', 'text', c.activity_type],
  ['activity_date', 'date', c.activity_date],
  ['version', 'int', c.version],
  ['vaccine_type', 'text', c.vaccine_type],
  ['vaccination_date', 'date', c.vaccination_date],
  ['batch_number', 'text', c.batch_number],
  ['performer', 'text', c.performer],
  ['location', 'text', c.location],
];

/** A column to insert: its name, its SQL type and its values (all columns equally long). */
type Column = [
  name: string,
  type: 'text' | 'uuid' | 'date' | 'int' | 'jsonb',
  values: ReadonlyArray<string | number | null>,
];

/**
 * An insert of rows given column by column, as `insert … select from unnest(…) with ordinality` in
 * the arrays' order (the audit chain links rows in insertion order). Names and types are constants.
 */
function insertColumns(table: string, columns: Column[], tail = ''): RawBuilder<unknown> {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = sql.join(
    columns.map(([, type, values]) => sql`${arrayLiteral(values)}::${sql.raw(type)}[]`),
  );
  return sql`insert into ${sql.raw(table)} (${sql.raw(names)})
    select ${sql.raw(names)} from unnest(${arrays}) with ordinality as u(${sql.raw(names)}, n__)
    order by n__ ${sql.raw(tail)}`;
}

async function store(
  trx: Kysely<RegistrySchema>,
  message: VaccinationMessage,
): Promise<Omit<IntakeResult, 'index'>> {
  await lockIntakeKeysAndAuditChain(trx, keysOf([message]));
  const ura = message.organisationUra;
  const activityId = message.activity.id;
  const previous = await trx
    .selectFrom('received_activity')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('activity_id', '=', activityId)
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
  const kind = kindOf(message);
  await trx
    .insertInto('received_activity')
    .values({ organisation_ura: ura, activity_id: activityId, version: message.version, kind })
    .onConflict((oc) =>
      oc
        .columns(['organisation_ura', 'activity_id'])
        .doUpdateSet({ version: message.version, kind, received_at: new Date() }),
    )
    .execute();
  const feedback = personId ? await validityFeedback(trx, personId, ura, activityId) : {};
  await appendAudit(trx, {
    actorId: `exchange:${ura}`,
    organisationUra: ura,
    action: `intake.${kind}`,
    subjectType: personId ? 'person' : 'anonymous-activity',
    subjectId: personId,
  });
  return { outcome: 'accepted', ...feedback };
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
  const isMine = (d: RegistryDose) => d.organisationUra === ura && d.activityId === activityId;
  const mine = doses.filter(isMine);
  if (mine.length === 0) return {};
  const latest = mine
    .map((d) => d.date)
    .sort()
    .at(-1)!;
  // Only the vaccine groups of this activity's vaccines: the same judgement of its doses, 3–5× cheaper.
  const validities = judgeDoses({ birthDate: person.birth_date, gender: person.gender }, doses, latest, {
    vaccineGroups: vaccineGroupsOf(mine.map((d) => d.vaccineType)),
    only: isMine,
  });
  const feedback = doses.flatMap((d, i) => {
    const validity = validities[i];
    return validity?.status === 'Not Valid'
      ? [{ vaccineType: d.vaccineType, date: d.date, status: validity.status, reason: validity.reason }]
      : [];
  });
  return feedback.length > 0 ? { feedback } : {};
}
