/**
 * Group sessions, "first consent, then vaccinate" (SPEC §6; seed 001 §4.4–4.9): plan a session and its
 * cohort, write to those who lack a decision, register returned cards by their barcode, remind and
 * call non-responders, confirm; on the day check in, register missing consent at the desk (also a
 * custodian by phone, verified with the last 3 digits of both BSNs) and record the vaccinations with
 * the preset batch through the dossier's own vaccination path (so they feed the normal exchange).
 */
import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { compareIsoDates } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { evaluateConsent, type ConsentDecision, type ConsentSource } from '../domain/consent/index.js';
import { VACCINE_TYPES } from '../domain/messages/index.js';
import { formatPersonName } from '../domain/names.js';
import {
  checkInAdvice,
  dueAtSession,
  inCohort,
  isNonResponder,
  letterRecipients,
  makeResponseCode,
  missingRegistrations,
  parseScannedCode,
  verifyPhoneCaller,
  type CheckInAdvice,
  type DueVaccine,
  type MissingParty,
  type Recipient,
} from '../domain/sessions/index.js';
import { requirePermission } from '../http/policy.js';
import { notFound, ProblemError, ruleViolation, type FieldError } from '../http/problem.js';
import { organisationOf, type RequestContext } from './clients.js';
import { getConsentOverview, registerConsentRecord, SELF } from './consent.js';
import { inOrganisation } from './scope.js';
import type { DossierSchema } from './schema.js';
import { loadConsentFacts, type ConsentFacts } from './sessions-consent.js';
import type { NotVaccinatedReason } from './sessions-schema.js';
import { renderSessionLetters, type SessionLetter } from './session-letters.js';
import { recordActivity } from './vaccinations.js';

type Db = Kysely<DossierSchema> | Transaction<DossierSchema>;

export interface NewSession {
  name: string;
  location: string;
  contact: string;
  dates: IsoDate[];
  vaccines: Array<{ vaccineType: string; batchNumber: string }>;
  cohort: { birthFrom: IsoDate; birthTo: IsoDate; municipalityCodes: string[]; onlyDue: boolean };
}

export interface SessionSummary {
  id: string;
  name: string;
  location: string;
  contact: string;
  dates: IsoDate[];
  vaccines: Array<{ vaccineType: string; name: string; batchNumber: string }>;
  cohort: NewSession['cohort'];
  memberCount: number;
  createdBy: string;
  createdAt: string;
}

export interface MemberView {
  clientId: string;
  name: string;
  birthDate: IsoDate;
  bsn: string | null;
  age: number;
  decision: ConsentDecision;
  missing: MissingParty[];
  due: DueVaccine[];
  advice: CheckInAdvice;
  requests: { issued: number; answered: number; lastIssuedOn: IsoDate | null; lastKind: string | null };
  nonResponder: boolean;
  checkedInAt: string | null;
  notVaccinated: { reason: NotVaccinatedReason; note: string | null } | null;
  custodians: Array<{ id: string; name: string; phone: string | null }>;
}

const vaccineName = (code: string): string => VACCINE_TYPES.find((v) => v.code === code)?.name ?? code;

function refusal(errors: FieldError[]): ProblemError {
  return new ProblemError(
    422,
    'rule-violation',
    'Niet toegestaan',
    errors.map((e) => e.message).join(' '),
    errors,
  );
}

/** A fresh, organisation-unique response code (random; retried on the rare collision). */
async function newCode(trx: Db, ura: string): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = makeResponseCode(() => randomInt(0, 1 << 30) / (1 << 30));
    const taken = await trx
      .selectFrom('consent_request')
      .select('id')
      .where('organisation_ura', '=', ura)
      .where('code', '=', code)
      .executeTakeFirst();
    if (!taken) return code;
  }
  throw new Error('could not allocate a unique response code');
}

async function audit(trx: Db, ctx: RequestContext, action: string, subjectType: string, subjectId?: string) {
  await appendAudit(trx, {
    actorId: ctx.actor.userId,
    organisationUra: ctx.actor.organisation.ura!,
    action,
    subjectType,
    ...(subjectId ? { subjectId } : {}),
    requestId: ctx.requestId,
  });
}

/** Plans a session and selects its cohort in one transaction. */
export async function createSession(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  input: NewSession,
  today: IsoDate,
): Promise<SessionSummary> {
  requirePermission(ctx.actor, 'session.plan');
  const ura = organisationOf(ctx.actor);
  const errors: FieldError[] = [];
  const dates = [...new Set(input.dates)].sort(compareIsoDates);
  dates.forEach((d) => {
    if (compareIsoDates(d, today) < 0) {
      errors.push({
        field: `body.dates[${input.dates.indexOf(d)}]`,
        rule: 'session-date-not-past',
        message: 'Een sessiedatum kan niet in het verleden liggen.',
      });
    }
  });
  if (compareIsoDates(input.cohort.birthFrom, input.cohort.birthTo) > 0) {
    errors.push({
      field: 'body.cohort.birthTo',
      rule: 'birth-range-order',
      message: 'De laatste geboortedatum ligt vóór de eerste.',
    });
  }
  const seen = new Set<string>();
  input.vaccines.forEach((v, i) => {
    if (seen.has(v.vaccineType)) {
      errors.push({
        field: `body.vaccines[${i}].vaccineType`,
        rule: 'vaccine-once',
        message: `${vaccineName(v.vaccineType)} staat twee keer in de sessie.`,
      });
    }
    seen.add(v.vaccineType);
  });
  if (errors.length > 0) throw refusal(errors);

  return inOrganisation(db, ura, async (trx) => {
    const session = await trx
      .insertInto('group_session')
      .values({
        organisation_ura: ura,
        name: input.name,
        location: input.location,
        contact: input.contact,
        birth_from: input.cohort.birthFrom,
        birth_to: input.cohort.birthTo,
        municipality_codes: JSON.stringify(input.cohort.municipalityCodes),
        only_due: input.cohort.onlyDue,
        created_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('group_session_date')
      .values(dates.map((d) => ({ session_id: session.id, session_date: d })))
      .execute();
    await trx
      .insertInto('group_session_vaccine')
      .values(
        input.vaccines.map((v) => ({
          session_id: session.id,
          vaccine_type: v.vaccineType,
          batch_number: v.batchNumber,
        })),
      )
      .execute();

    const candidates = await trx
      .selectFrom('client')
      .select(['id', 'kind', 'birth_date', 'municipality_code', 'gender'])
      .where('organisation_ura', '=', ura)
      .where('kind', '=', 'youth')
      .where('dossier_status', '=', '01')
      .where('birth_date', '>=', input.cohort.birthFrom)
      .where('birth_date', '<=', input.cohort.birthTo)
      .execute();
    const inRange = candidates.filter((c) =>
      inCohort(
        { kind: c.kind, birthDate: c.birth_date, municipalityCode: c.municipality_code },
        input.cohort,
      ),
    );
    const doses = input.cohort.onlyDue
      ? await dosesOf(
          trx,
          ura,
          inRange.map((c) => c.id),
        )
      : new Map();
    const lastDate = dates.at(-1)!;
    const members = inRange.filter(
      (c) =>
        !input.cohort.onlyDue ||
        dueAtSession(
          { birthDate: c.birth_date, gender: c.gender },
          doses.get(c.id) ?? [],
          input.vaccines.map((v) => v.vaccineType),
          lastDate,
        ).some((d) => d.status === 'due'),
    );
    for (let i = 0; i < members.length; i += 500) {
      await trx
        .insertInto('group_session_member')
        .values(
          members.slice(i, i + 500).map((m) => ({
            session_id: session.id,
            client_id: m.id,
            organisation_ura: ura,
            added_by: ctx.actor.userId,
            checked_in_at: null,
            checked_in_by: null,
            not_vaccinated_reason: null,
            not_vaccinated_note: null,
          })),
        )
        .execute();
    }
    await audit(trx, ctx, 'session.plan', 'group_session', session.id);
    return (await loadSessions(trx, ura, session.id))[0]!;
  });
}

async function dosesOf(
  trx: Db,
  ura: string,
  clientIds: string[],
): Promise<Map<string, Array<{ date: IsoDate; vaccineType: string }>>> {
  const result = new Map<string, Array<{ date: IsoDate; vaccineType: string }>>();
  for (let i = 0; i < clientIds.length; i += 500) {
    const ids = clientIds.slice(i, i + 500);
    if (ids.length === 0) continue;
    const rows = await trx
      .selectFrom('vaccination as v')
      .innerJoin('activity as a', 'a.id', 'v.activity_pk')
      .select(['a.client_id', 'v.vaccination_date', 'v.vaccine_type'])
      .where('a.organisation_ura', '=', ura)
      .where('a.client_id', 'in', ids)
      .where('v.status', '=', 'active')
      .execute();
    for (const r of rows) {
      const list = result.get(r.client_id) ?? [];
      list.push({ date: r.vaccination_date, vaccineType: r.vaccine_type });
      result.set(r.client_id, list);
    }
  }
  return result;
}

async function loadSessions(trx: Db, ura: string, onlyId?: string): Promise<SessionSummary[]> {
  let query = trx
    .selectFrom('group_session')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .orderBy('created_at', 'desc')
    .limit(200);
  if (onlyId) query = query.where('id', '=', onlyId);
  const sessions = await query.execute();
  if (sessions.length === 0) return [];
  const ids = sessions.map((s) => s.id);
  const [dates, vaccines, counts] = await Promise.all([
    trx
      .selectFrom('group_session_date')
      .selectAll()
      .where('session_id', 'in', ids)
      .orderBy('session_date')
      .execute(),
    trx
      .selectFrom('group_session_vaccine')
      .selectAll()
      .where('session_id', 'in', ids)
      .orderBy('vaccine_type')
      .execute(),
    trx
      .selectFrom('group_session_member')
      .select(['session_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('session_id', 'in', ids)
      .groupBy('session_id')
      .execute(),
  ]);
  return sessions.map((s) => ({
    id: s.id,
    name: s.name,
    location: s.location,
    contact: s.contact,
    dates: dates.filter((d) => d.session_id === s.id).map((d) => d.session_date),
    vaccines: vaccines
      .filter((v) => v.session_id === s.id)
      .map((v) => ({
        vaccineType: v.vaccine_type,
        name: vaccineName(v.vaccine_type),
        batchNumber: v.batch_number,
      })),
    cohort: {
      birthFrom: s.birth_from,
      birthTo: s.birth_to,
      municipalityCodes: parseCodes(s.municipality_codes),
      onlyDue: s.only_due,
    },
    memberCount: Number(counts.find((c) => c.session_id === s.id)?.n ?? 0),
    createdBy: s.created_by,
    createdAt: new Date(s.created_at).toISOString(),
  }));
}

const parseCodes = (value: unknown): string[] =>
  (Array.isArray(value) ? value : typeof value === 'string' ? (JSON.parse(value) as unknown[]) : []).map(
    String,
  );

export async function listSessions(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
): Promise<SessionSummary[]> {
  requirePermission(ctx.actor, 'session.read');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, (trx) => loadSessions(trx, ura));
}

async function requireSession(trx: Db, ura: string, id: string): Promise<SessionSummary> {
  const session = (await loadSessions(trx, ura, id))[0];
  if (!session) throw notFound('Deze sessie');
  return session;
}

/** The session day the check-in and the vaccinations are about: today if a session date, else the next. */
export function sessionDay(session: SessionSummary, today: IsoDate): IsoDate {
  return session.dates.find((d) => compareIsoDates(d, today) >= 0) ?? session.dates.at(-1)!;
}

/** Everything known about the members (optionally only some), with consent, due and advice. */
async function memberViews(
  trx: Db,
  ura: string,
  session: SessionSummary,
  today: IsoDate,
  options: { clientIds?: string[]; graceDays?: number } = {},
): Promise<{ views: MemberView[]; facts: Map<string, ConsentFacts> }> {
  let query = trx
    .selectFrom('group_session_member as m')
    .innerJoin('client as c', 'c.id', 'm.client_id')
    .select([
      'c.id',
      'c.given_name',
      'c.name_prefix',
      'c.family_name',
      'c.birth_date',
      'c.bsn',
      'c.gender',
      'm.checked_in_at',
      'm.not_vaccinated_reason',
      'm.not_vaccinated_note',
    ])
    .where('m.session_id', '=', session.id)
    .orderBy('c.family_name')
    .orderBy('c.given_name');
  if (options.clientIds) {
    if (options.clientIds.length === 0) return { views: [], facts: new Map() };
    query = query.where('c.id', 'in', options.clientIds);
  }
  const rows = await query.execute();
  const ids = rows.map((r) => r.id);
  const facts = await loadConsentFacts(
    trx,
    rows.map((r) => ({ id: r.id, birthDate: r.birth_date })),
  );
  const doses = await dosesOf(trx, ura, ids);
  const requests =
    ids.length === 0
      ? []
      : await trx
          .selectFrom('consent_request')
          .select(['client_id', 'kind', 'issued_on', 'answered_at'])
          .where('client_id', 'in', ids)
          .where('kind', '!=', 'confirmation')
          .orderBy('issued_on')
          .execute();
  const day = sessionDay(session, today);
  const views = rows.map((r): MemberView => {
    const f = facts.get(r.id)!;
    const on = compareIsoDates(today, r.birth_date) < 0 ? r.birth_date : today;
    const evaluation = evaluateConsent(f.input, on);
    const missing = missingRegistrations(f.input, on);
    const due = dueAtSession(
      { birthDate: r.birth_date, gender: r.gender },
      doses.get(r.id) ?? [],
      session.vaccines.map((v) => v.vaccineType),
      day,
    );
    const own = requests.filter((q) => q.client_id === r.id);
    const last = own.at(-1);
    return {
      clientId: r.id,
      name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
      birthDate: r.birth_date,
      bsn: r.bsn,
      age: evaluation.ageOnEvaluationDate,
      decision: evaluation.decision,
      missing,
      due,
      advice: checkInAdvice({ missing, due, notVaccinatedReason: r.not_vaccinated_reason }),
      requests: {
        issued: own.length,
        answered: own.filter((q) => q.answered_at !== null).length,
        lastIssuedOn: last?.issued_on ?? null,
        lastKind: last?.kind ?? null,
      },
      nonResponder:
        missing.length > 0 &&
        !!last &&
        isNonResponder(
          {
            issuedOn: last.issued_on,
            answered: own.some((q) => q.answered_at !== null && q.issued_on >= last.issued_on),
          },
          f.lastRegistrationOn,
          today,
          options.graceDays ?? 14,
        ),
      checkedInAt: r.checked_in_at ? new Date(r.checked_in_at).toISOString() : null,
      notVaccinated: r.not_vaccinated_reason
        ? { reason: r.not_vaccinated_reason, note: r.not_vaccinated_note }
        : null,
      custodians: f.related
        .filter((p) => p.hasCustody && p.relation !== 'legal-representative')
        .map((p) => ({ id: p.id, name: p.name, phone: p.phone })),
    };
  });
  return { views, facts };
}

export async function getSession(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  today: IsoDate,
  graceDays = 14,
): Promise<SessionSummary & { day: IsoDate; members: MemberView[] }> {
  requirePermission(ctx.actor, 'session.read');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const session = await requireSession(trx, ura, id);
    const { views } = await memberViews(trx, ura, session, today, { graceDays });
    await audit(trx, ctx, 'session.read', 'group_session', id);
    return { ...session, day: sessionDay(session, today), members: views };
  });
}

export type SessionLetterKind = 'request' | 'reminder' | 'confirmation';

/**
 * Letters for a session, as one PDF: `request` to members lacking a decision who had no request yet;
 * `reminder` to non-responders; `confirmation` to members whose decision is complete. Each letter gets
 * a new code (one per addressee) in the same transaction as the selection.
 */
export async function sessionLetters(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  kind: SessionLetterKind,
  today: IsoDate,
  graceDays = 14,
): Promise<{ pdf: Uint8Array; letters: number; youth: number }> {
  requirePermission(ctx.actor, 'session.letters');
  const ura = organisationOf(ctx.actor);
  const { letters, youth } = await inOrganisation(db, ura, async (trx) => {
    const session = await requireSession(trx, ura, id);
    const { views, facts } = await memberViews(trx, ura, session, today, { graceDays });
    const chosen = views.filter((m) =>
      kind === 'request'
        ? m.missing.length > 0 && m.requests.issued === 0
        : kind === 'reminder'
          ? m.nonResponder
          : m.missing.length === 0,
    );
    const letters = await writeLetters(trx, ctx, ura, chosen, facts, today, {
      kind,
      sessionId: session.id,
      sweepRunId: null,
      contact: session.contact,
      session: {
        name: session.name,
        location: session.location,
        dates: session.dates,
        vaccines: session.vaccines.map((v) => v.name),
      },
    });
    await audit(trx, ctx, `session.letters.${kind}`, 'group_session', id);
    return { letters, youth: chosen.length };
  });
  return { pdf: await renderSessionLetters(letters), letters: letters.length, youth };
}

/** Creates the consent_request rows and the letter data for these youth (shared with sweeps). */
export async function writeLetters(
  trx: Db,
  ctx: RequestContext,
  ura: string,
  members: ReadonlyArray<{ clientId: string; missing: MissingParty[]; decision?: ConsentDecision }>,
  facts: Map<string, ConsentFacts>,
  today: IsoDate,
  options: {
    kind: SessionLetterKind | 'turning-16';
    sessionId: string | null;
    sweepRunId: string | null;
    contact: string;
    session?: SessionLetter['session'];
    birthdays?: Map<string, IsoDate>;
  },
): Promise<SessionLetter[]> {
  if (members.length === 0) return [];
  const organisation = await trx
    .selectFrom('organisation')
    .select('name')
    .where('ura', '=', ura)
    .executeTakeFirstOrThrow();
  const clients = await trx
    .selectFrom('client')
    .selectAll()
    .where(
      'id',
      'in',
      members.map((m) => m.clientId),
    )
    .execute();
  const letters: SessionLetter[] = [];
  for (const member of members) {
    const client = clients.find((c) => c.id === member.clientId);
    const f = facts.get(member.clientId);
    if (!client || !f) continue;
    const youthName = formatPersonName(client.given_name, client.name_prefix, client.family_name);
    const evaluation = evaluateConsent(f.input, today);
    let recipients: Recipient[];
    if (options.kind === 'turning-16') {
      recipients = [{ id: SELF, name: youthName, role: 'youth' }];
    } else if (options.kind === 'confirmation') {
      // §4.8: confirm to the youth from 12 (custodians and youth are both registered then), else custodians.
      recipients =
        evaluation.ageOnEvaluationDate >= 12
          ? [{ id: SELF, name: youthName, role: 'youth' }]
          : f.related
              .filter((p) => p.hasCustody && p.relation !== 'legal-representative')
              .map((p) => ({ id: p.id, name: p.name, role: 'custodian' as const }));
    } else {
      recipients = letterRecipients({
        birthDate: client.birth_date,
        on: today,
        competent: evaluation.competent !== false,
        custodians: f.related
          .filter((p) => p.hasCustody && p.relation !== 'legal-representative')
          .map((p) => ({ id: p.id, name: p.name })),
        legalRepresentatives: f.related
          .filter((p) => p.relation === 'legal-representative')
          .map((p) => ({ id: p.id, name: p.name })),
        youth: { id: SELF, name: youthName },
        missing: member.missing,
      });
    }
    const address = [
      [client.street, client.house_number, client.house_letter, client.house_number_addition]
        .filter(Boolean)
        .join(' '),
      [client.postcode, client.city].filter(Boolean).join('  '),
    ].filter((l) => l.trim().length > 0);
    for (const recipient of recipients) {
      const code = await newCode(trx, ura);
      await trx
        .insertInto('consent_request')
        .values({
          organisation_ura: ura,
          code,
          client_id: client.id,
          recipient_person_id: recipient.id === SELF ? null : recipient.id,
          kind: options.kind === 'turning-16' ? 'request' : options.kind,
          session_id: options.sessionId,
          sweep_run_id: options.sweepRunId,
          issued_on: today,
          issued_by: ctx.actor.userId,
          answered_at: null,
          answered_by: null,
        })
        .execute();
      letters.push({
        kind: options.kind,
        code,
        recipient: { name: recipient.name, role: recipient.role },
        youth: { name: youthName, birthDate: client.birth_date },
        // Custodians are written to at the youth's address: the dossier holds no other address.
        addressLines: address,
        organisation: { name: organisation.name },
        contact: options.contact,
        session: options.session,
        decision: member.decision ?? evaluation.decision,
        birthday: options.birthdays?.get(client.id),
        issuedOn: today,
      });
    }
  }
  return letters;
}

/** Non-responders with what the caller needs (seed 001 §4.9: "stuur een herinnering of bel na"). */
export async function callList(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  today: IsoDate,
  graceDays = 14,
): Promise<MemberView[]> {
  requirePermission(ctx.actor, 'session.letters');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const session = await requireSession(trx, ura, id);
    const { views } = await memberViews(trx, ura, session, today, { graceDays });
    await audit(trx, ctx, 'session.call-list', 'group_session', id);
    return views.filter((v) => v.nonResponder);
  });
}

export interface CardLookup {
  code: string;
  kind: string;
  issuedOn: IsoDate;
  answeredAt: string | null;
  sessionId: string | null;
  client: { id: string; name: string; birthDate: IsoDate };
  recipient: { personId: string; name: string; role: string };
  decision: ConsentDecision;
  whoMayConsent: Array<{ personId: string; name: string; sources: ConsentSource[] }>;
}

async function findCode(trx: Db, ura: string, text: string, field: string) {
  const parsed = parseScannedCode(text);
  if (!parsed.ok) {
    throw ruleViolation(
      field,
      parsed.rule,
      parsed.rule === 'code-check'
        ? 'Deze code klopt niet (controleteken). Scan opnieuw of typ de code over.'
        : 'Dit is geen code van een antwoordkaart of brief.',
    );
  }
  const request = await trx
    .selectFrom('consent_request')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .where('code', '=', parsed.code)
    .executeTakeFirst();
  if (!request) throw notFound('Deze code');
  return request;
}

/** A returned card, scanned: who it is about and who may answer (the consent page's rules). */
export async function lookupCard(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  codeText: string,
  today: IsoDate,
): Promise<CardLookup> {
  requirePermission(ctx.actor, 'session.cards');
  const ura = organisationOf(ctx.actor);
  const request = await inOrganisation(db, ura, (trx) => findCode(trx, ura, codeText, 'params.code'));
  const overview = await getConsentOverview(db, ctx, request.client_id, { today });
  const client = overview.persons.find((p) => p.id === SELF)!;
  const birth = await db
    .selectFrom('client')
    .select('birth_date')
    .where('id', '=', request.client_id)
    .where('organisation_ura', '=', ura)
    .executeTakeFirstOrThrow();
  const recipientId = request.recipient_person_id ?? SELF;
  const recipient = overview.persons.find((p) => p.id === recipientId);
  return {
    code: request.code,
    kind: request.kind,
    issuedOn: request.issued_on,
    answeredAt: request.answered_at ? new Date(request.answered_at).toISOString() : null,
    sessionId: request.session_id,
    client: { id: request.client_id, name: client.name, birthDate: birth.birth_date },
    recipient: {
      personId: recipientId,
      name: recipient?.name ?? 'onbekend',
      role: recipient?.role ?? 'client',
    },
    decision: overview.evaluation.decision,
    whoMayConsent: overview.whoMayConsent,
  };
}

/**
 * Registers what a returned card says. Every answer is checked against who may consent before any is
 * written, so a wrong card writes nothing; then each answer is a consent registration of its own
 * (the consent page's path, with its rules and repairs), and the card is marked answered.
 */
export async function answerCard(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  codeText: string,
  body: { date: IsoDate; answers: Array<{ personId: string; agreed: boolean; source: ConsentSource }> },
  today: IsoDate,
): Promise<{ registered: number; decision: ConsentDecision; repairsQueued: number }> {
  requirePermission(ctx.actor, 'session.cards');
  requirePermission(ctx.actor, 'consent.register');
  const lookup = await lookupCard(db, ctx, codeText, today);
  const errors: FieldError[] = [];
  if (compareIsoDates(body.date, today) > 0) {
    errors.push({
      field: 'body.date',
      rule: 'no-future-date',
      message: 'De datum van de kaart ligt in de toekomst.',
    });
  }
  const persons = new Set<string>();
  body.answers.forEach((a, i) => {
    const may = lookup.whoMayConsent.find((w) => w.personId === a.personId);
    if (!may || !may.sources.includes(a.source)) {
      errors.push({
        field: `body.answers[${i}]`,
        rule: 'may-consent',
        message: 'Deze persoon kan met deze bron nu geen toestemming geven voor deze jeugdige.',
      });
    }
    if (persons.has(a.personId)) {
      errors.push({
        field: `body.answers[${i}].personId`,
        rule: 'answer-once',
        message: 'Eén antwoord per persoon.',
      });
    }
    persons.add(a.personId);
  });
  if (errors.length > 0) throw refusal(errors);
  let decision = lookup.decision;
  let repairsQueued = 0;
  for (const answer of body.answers) {
    const result = await registerConsentRecord(
      db,
      ctx,
      lookup.client.id,
      {
        agreed: answer.agreed,
        sourcePersonId: answer.personId,
        source: answer.source,
        date: body.date,
        method: 'written',
        note: `Antwoordkaart ${lookup.code}`,
      },
      today,
    );
    decision = result.evaluation.decision;
    repairsQueued += result.repairsQueued;
  }
  const ura = organisationOf(ctx.actor);
  await inOrganisation(db, ura, async (trx) => {
    await trx
      .updateTable('consent_request')
      .set({ answered_at: new Date(), answered_by: ctx.actor.userId })
      .where('organisation_ura', '=', ura)
      .where('code', '=', lookup.code)
      .where('answered_at', 'is', null)
      .execute();
    await audit(trx, ctx, 'session.card.answer', 'client', lookup.client.id);
  });
  return { registered: body.answers.length, decision, repairsQueued };
}

/** Check-in: find members by a scanned code (any letter of theirs) or by name/BSN. */
export async function findForCheckIn(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  query: { code?: string | undefined; search?: string | undefined },
  today: IsoDate,
): Promise<{ day: IsoDate; items: MemberView[] }> {
  requirePermission(ctx.actor, 'session.read');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const session = await requireSession(trx, ura, id);
    let clientIds: string[];
    if (query.code) {
      const request = await findCode(trx, ura, query.code, 'querystring.code');
      clientIds = [request.client_id];
    } else {
      const search = (query.search ?? '').trim().toLowerCase();
      if (search.length < 2) throw ruleViolation('querystring.search', 'too_small', 'Typ minstens 2 tekens.');
      const rows = await trx
        .selectFrom('group_session_member as m')
        .innerJoin('client as c', 'c.id', 'm.client_id')
        .select(['c.id', 'c.given_name', 'c.name_prefix', 'c.family_name', 'c.bsn'])
        .where('m.session_id', '=', id)
        .execute();
      const digits = search.replace(/[.\s]/g, '');
      clientIds = rows
        .filter((r) =>
          /^\d+$/.test(digits)
            ? (r.bsn ?? '').startsWith(digits)
            : formatPersonName(r.given_name, r.name_prefix, r.family_name).toLowerCase().includes(search),
        )
        .slice(0, 20)
        .map((r) => r.id);
    }
    const { views } = await memberViews(trx, ura, session, today, { clientIds });
    if (query.code && views.length === 0) {
      throw ruleViolation(
        'querystring.code',
        'not-in-session',
        'Deze jeugdige staat niet op de lijst van deze sessie.',
      );
    }
    await audit(trx, ctx, 'session.check-in.find', 'group_session', id);
    return { day: sessionDay(session, today), items: views };
  });
}

async function requireMember(trx: Db, sessionId: string, clientId: string) {
  const member = await trx
    .selectFrom('group_session_member')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('client_id', '=', clientId)
    .forUpdate()
    .executeTakeFirst();
  if (!member) throw notFound('Deze jeugdige in deze sessie');
  return member;
}

export async function checkIn(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  clientId: string,
  body: { notVaccinated?: { reason: NotVaccinatedReason; note?: string | undefined } | null | undefined },
  today: IsoDate,
): Promise<MemberView> {
  requirePermission(ctx.actor, 'session.check-in');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const session = await requireSession(trx, ura, id);
    const member = await requireMember(trx, id, clientId);
    await trx
      .updateTable('group_session_member')
      .set({
        checked_in_at: member.checked_in_at ?? new Date(),
        checked_in_by: member.checked_in_by ?? ctx.actor.userId,
        ...(body.notVaccinated !== undefined
          ? {
              not_vaccinated_reason: body.notVaccinated?.reason ?? null,
              not_vaccinated_note: body.notVaccinated?.note ?? null,
            }
          : {}),
      })
      .where('session_id', '=', id)
      .where('client_id', '=', clientId)
      .execute();
    await audit(trx, ctx, 'session.check-in', 'client', clientId);
    return (await memberViews(trx, ura, session, today, { clientIds: [clientId] })).views[0]!;
  });
}

/**
 * The desk: a custodian on the phone (seed 001 §4.8). The caller is verified with the last 3 digits of
 * their BSN and of the youth's before the consent is registered (method phone); a failed check is
 * audited and writes nothing else.
 */
export async function phoneConsent(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  clientId: string,
  body: {
    personId: string;
    custodianBsnLast3: string;
    youthBsnLast3: string;
    agreed: boolean;
    source: ConsentSource;
  },
  today: IsoDate,
): Promise<{ decision: ConsentDecision; repairsQueued: number }> {
  requirePermission(ctx.actor, 'session.check-in');
  requirePermission(ctx.actor, 'consent.register');
  const ura = organisationOf(ctx.actor);
  const problems = await inOrganisation(db, ura, async (trx) => {
    await requireSession(trx, ura, id);
    await requireMember(trx, id, clientId);
    const client = await trx
      .selectFrom('client')
      .select('bsn')
      .where('id', '=', clientId)
      .executeTakeFirstOrThrow();
    const custodian = await trx
      .selectFrom('client_relation as r')
      .innerJoin('related_person as p', 'p.id', 'r.person_id')
      .select(['p.bsn', 'r.has_custody', 'r.relation'])
      .where('r.client_id', '=', clientId)
      .where('p.id', '=', body.personId)
      .where('r.has_custody', '=', true)
      .where('r.relation', '!=', 'legal-representative')
      .executeTakeFirst();
    if (!custodian) {
      return [
        {
          field: 'body.personId',
          rule: 'custodian',
          message: 'Deze persoon is geen gezaghebbende van de jeugdige.',
        },
      ];
    }
    const found = verifyPhoneCaller({
      custodianBsn: custodian.bsn,
      youthBsn: client.bsn,
      custodianLast3: body.custodianBsnLast3,
      youthLast3: body.youthBsnLast3,
    }).map((p) => ({ ...p, field: `body.${p.field}` }));
    await audit(
      trx,
      ctx,
      found.length > 0 ? 'session.phone-check.failed' : 'session.phone-check.passed',
      'client',
      clientId,
    );
    return found;
  });
  if (problems.length > 0) throw refusal(problems);
  const result = await registerConsentRecord(
    db,
    ctx,
    clientId,
    {
      agreed: body.agreed,
      sourcePersonId: body.personId,
      source: body.source,
      date: today,
      method: 'phone',
      note: 'Telefonisch bij de groepsvaccinatie; gecontroleerd met de laatste 3 cijfers van beide BSN’s.',
    },
    today,
  );
  return { decision: result.evaluation.decision, repairsQueued: result.repairsQueued };
}

export interface BulkOutcome {
  clientId: string;
  outcome: 'vaccinated' | 'skipped';
  reason: string | null;
  activityId: string | null;
  vaccineTypes: string[];
}

/**
 * Records the session's vaccinations for the chosen members: what is due, with the preset batch, on
 * the session day. Each youth is one contact moment through the dossier's own recording path
 * (`recordActivity`: its own transaction, audit and outbox entry), so a failure for one youth leaves
 * the others recorded; a second call skips who was done (derived from the dossier, not a flag).
 */
export async function recordSessionVaccinations(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
  body: { clientIds: string[]; performer?: string | undefined },
  today: IsoDate,
): Promise<{ date: IsoDate; items: BulkOutcome[] }> {
  requirePermission(ctx.actor, 'vaccination.record');
  const ura = organisationOf(ctx.actor);
  const { session, views } = await inOrganisation(db, ura, async (trx) => {
    const session = await requireSession(trx, ura, id);
    return {
      session,
      views: (await memberViews(trx, ura, session, today, { clientIds: body.clientIds })).views,
    };
  });
  if (!session.dates.includes(today)) {
    throw ruleViolation(
      'body',
      'session-day',
      'Vaccinaties van deze sessie worden op een sessiedatum geregistreerd.',
    );
  }
  const unknown = body.clientIds.filter((c) => !views.some((v) => v.clientId === c));
  if (unknown.length > 0) {
    throw ruleViolation(
      'body.clientIds',
      'not-in-session',
      'Niet iedereen staat op de lijst van deze sessie.',
    );
  }
  const items: BulkOutcome[] = [];
  for (const view of views) {
    const due = view.due.filter((d) => d.status === 'due').map((d) => d.vaccineType);
    const skip =
      view.notVaccinated !== null
        ? 'niet gevaccineerd (reden geregistreerd)'
        : due.length === 0
          ? view.due.some((d) => d.status === 'given')
            ? 'al gevaccineerd'
            : 'niets verschuldigd'
          : null;
    if (skip) {
      items.push({
        clientId: view.clientId,
        outcome: 'skipped',
        reason: skip,
        activityId: null,
        vaccineTypes: [],
      });
      continue;
    }
    const activity = await recordActivity(
      db,
      ctx,
      view.clientId,
      {
        activityType: '02', // Groepsvaccinatie
        activityDate: today,
        vaccinations: due.map((vaccineType) => ({
          vaccineType,
          date: today,
          batchNumber: session.vaccines.find((v) => v.vaccineType === vaccineType)!.batchNumber,
          performer: (body.performer ?? ctx.actor.name).slice(0, 50),
          location: session.location,
        })),
      },
      today,
    );
    items.push({
      clientId: view.clientId,
      outcome: 'vaccinated',
      reason: null,
      activityId: activity.activityId,
      vaccineTypes: due,
    });
  }
  return { date: today, items };
}

/** The session's letters (verzendlijst): code, youth, addressee, kind, and whether it came back. */
export async function listSessionLetters(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
): Promise<
  Array<{
    code: string;
    clientId: string;
    recipientPersonId: string;
    kind: string;
    issuedOn: IsoDate;
    answered: boolean;
  }>
> {
  requirePermission(ctx.actor, 'session.letters');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    await requireSession(trx, ura, id);
    const rows = await trx
      .selectFrom('consent_request')
      .select(['code', 'client_id', 'recipient_person_id', 'kind', 'issued_on', 'answered_at'])
      .where('session_id', '=', id)
      .orderBy('issued_at')
      .execute();
    await audit(trx, ctx, 'session.letters.read', 'group_session', id);
    return rows.map((r) => ({
      code: r.code,
      clientId: r.client_id,
      recipientPersonId: r.recipient_person_id ?? SELF,
      kind: r.kind,
      issuedOn: r.issued_on,
      answered: r.answered_at !== null,
    }));
  });
}
