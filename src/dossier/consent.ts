import { inOrganisation } from './scope.js';
import { requirePermission } from '../http/policy.js';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { addMonths, compareIsoDates, nthBirthday } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import {
  custodiansOf,
  checkCompetenceJudgement,
  checkConsentRegistration,
  consentTransitions,
  evaluateConsent,
  YOUTH,
  type CompetenceJudgement,
  type ConsentEvaluation,
  type ConsentInput,
  type ConsentRecord,
  type ConsentSource,
  type SourcePerson,
} from '../domain/consent/index.js';
import { formatPersonName } from '../domain/names.js';
import { enqueueRepairs } from '../exchange/outbox.js';
import { notFound, ProblemError, type FieldError } from '../http/problem.js';
import { organisationOf, type RequestContext } from './clients.js';
import type { ConsentMethod, DossierSchema } from './schema.js';

/** `self` names the client/youth themself as source person (BDS 1534); otherwise a related person's id. */
export const SELF = 'self';

export interface ConsentPerson {
  id: string;
  name: string;
  role: 'client' | 'custodian' | 'parent-without-custody' | 'legal-representative';
}

export interface StoredConsentRecord {
  id: string;
  agreed: boolean;
  sourcePerson: ConsentPerson;
  source: ConsentSource;
  date: IsoDate;
  endDate: IsoDate | null;
  method: ConsentMethod | null;
  note: string | null;
  organisationUra: string;
  registeredBy: { id: string; name: string | null };
  registeredAt: string;
}

export interface StoredJudgement {
  id: string;
  date: IsoDate;
  competent: boolean;
  explanation: string;
  registeredBy: { id: string; name: string | null };
  registeredAt: string;
}

interface ConsentState {
  client: { id: string; kind: 'youth' | 'client'; birthDate: IsoDate };
  persons: ConsentPerson[];
  relations: Map<string, { relation: 'parent' | 'guardian' | 'legal-representative'; hasCustody: boolean }>;
  records: StoredConsentRecord[];
  judgements: StoredJudgement[];
  input: ConsentInput;
}

type Db = Kysely<DossierSchema> | Transaction<DossierSchema>;

async function loadState(db: Db, ura: string, clientId: string, lock = false): Promise<ConsentState> {
  let query = db
    .selectFrom('client')
    .select(['id', 'kind', 'birth_date', 'given_name', 'name_prefix', 'family_name'])
    .where('organisation_ura', '=', ura)
    .where('id', '=', clientId);
  // Registrations for one client are serialised: "a new record ends the previous one" must see it.
  if (lock) query = query.forUpdate();
  const client = await query.executeTakeFirst();
  if (!client) throw notFound('Deze cliënt');

  const related = await db
    .selectFrom('client_relation as r')
    .innerJoin('related_person as p', 'p.id', 'r.person_id')
    .select(['p.id', 'p.given_name', 'p.name_prefix', 'p.family_name', 'r.relation', 'r.has_custody'])
    .where('r.client_id', '=', clientId)
    .execute();
  const persons: ConsentPerson[] = [
    {
      id: SELF,
      name: formatPersonName(client.given_name, client.name_prefix, client.family_name),
      role: 'client',
    },
  ];
  const relations = new Map<
    string,
    { relation: 'parent' | 'guardian' | 'legal-representative'; hasCustody: boolean }
  >();
  for (const r of related) {
    const existing = relations.get(r.id);
    // A parent can also be the legal representative: custody is what matters for 03/04.
    relations.set(r.id, {
      relation:
        existing?.relation === 'legal-representative' ? r.relation : (existing?.relation ?? r.relation),
      hasCustody: (existing?.hasCustody ?? false) || r.has_custody,
    });
    if (!existing) {
      persons.push({
        id: r.id,
        name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
        role:
          r.relation === 'legal-representative'
            ? 'legal-representative'
            : r.has_custody
              ? 'custodian'
              : 'parent-without-custody',
      });
    }
  }
  const personById = new Map(persons.map((p) => [p.id, p]));

  const recordRows = await db
    .selectFrom('consent_record as c')
    .leftJoin('consent_record_end as e', 'e.record_id', 'c.id')
    .leftJoin('staff_user as u', 'u.id', 'c.registered_by')
    .select([
      'c.id',
      'c.agreed',
      'c.source_person_id',
      'c.source',
      'c.consent_date',
      'c.method',
      'c.note',
      'c.organisation_ura',
      'c.registered_by',
      'c.registered_at',
      'e.end_date',
      'u.name as registered_by_name',
    ])
    .where('c.client_id', '=', clientId)
    .orderBy('c.consent_date')
    .orderBy('c.registered_at')
    .execute();
  const records: StoredConsentRecord[] = recordRows.map((r) => ({
    id: r.id,
    agreed: r.agreed,
    sourcePerson: personById.get(r.source_person_id ?? SELF) ?? {
      id: r.source_person_id ?? SELF,
      name: 'onbekend',
      role: 'parent-without-custody',
    },
    source: r.source,
    date: r.consent_date,
    endDate: r.end_date,
    method: r.method,
    note: r.note,
    organisationUra: r.organisation_ura,
    registeredBy: { id: r.registered_by, name: r.registered_by_name },
    registeredAt: new Date(r.registered_at).toISOString(),
  }));

  const judgementRows = await db
    .selectFrom('competence_judgement as j')
    .leftJoin('staff_user as u', 'u.id', 'j.registered_by')
    .select([
      'j.id',
      'j.judged_on',
      'j.competent',
      'j.explanation',
      'j.registered_by',
      'j.registered_at',
      'u.name',
    ])
    .where('j.client_id', '=', clientId)
    .orderBy('j.judged_on')
    .orderBy('j.registered_at')
    .execute();
  const judgements: StoredJudgement[] = judgementRows.map((j) => ({
    id: j.id,
    date: j.judged_on,
    competent: j.competent,
    explanation: j.explanation,
    registeredBy: { id: j.registered_by, name: j.name },
    registeredAt: new Date(j.registered_at).toISOString(),
  }));

  const input: ConsentInput = {
    youth: { birthDate: client.birth_date },
    custodians: custodiansOf(
      related.map((r) => ({ personId: r.id, relation: r.relation, hasCustody: r.has_custody })),
    ),
    competence: judgements.map((j): CompetenceJudgement => ({
      date: j.date,
      competent: j.competent,
      by: j.registeredBy.id,
    })),
    records: records.map((r): ConsentRecord => ({
      id: r.id,
      agreed: r.agreed,
      by: r.sourcePerson.id === SELF ? YOUTH : r.sourcePerson.id,
      source: r.source,
      date: r.date,
      endDate: r.endDate,
      registeredAt: r.registeredAt,
    })),
  };
  return {
    client: { id: client.id, kind: client.kind, birthDate: client.birth_date },
    persons,
    relations,
    records,
    judgements,
    input,
  };
}

export interface ConsentOverview {
  clientId: string;
  evaluation: ConsentEvaluation;
  /** Who may register consent on the evaluation date, and with which source (BDS 1535). */
  whoMayConsent: Array<{ personId: string; name: string; sources: ConsentSource[] }>;
  /** A 12th or 16th birthday within three months, and the decision then with today's records. */
  upcoming: Array<{
    date: IsoDate;
    age: 12 | 16;
    decisionNow: string;
    decisionThen: string;
    explanation: string;
  }>;
  persons: ConsentPerson[];
  records: StoredConsentRecord[];
}

/** The decision on `on` (default today) with its path, and what the professional needs around it. */
export async function getConsentOverview(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  options: { today: IsoDate; on?: IsoDate | undefined },
): Promise<ConsentOverview> {
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const state = await loadState(trx, ura, clientId);
    const on = options.on ?? options.today;
    if (compareIsoDates(on, state.client.birthDate) < 0) {
      throw new ProblemError(
        422,
        'rule-violation',
        'Ongeldige datum',
        'De datum ligt vóór de geboortedatum.',
        [
          {
            field: 'querystring.on',
            rule: 'not-before-birth',
            message: 'De datum ligt vóór de geboortedatum.',
          },
        ],
      );
    }
    const evaluation = withNames(evaluateConsent(state.input, on), state.persons);
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'consent.read',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    return {
      clientId,
      evaluation,
      whoMayConsent: whoMayConsent(state, evaluation),
      upcoming: options.on ? [] : upcomingBirthdays(state, options.today),
      persons: state.persons,
      records: state.records.filter((r) => compareIsoDates(r.date, on) <= 0),
    };
  });
}

function whoMayConsent(state: ConsentState, evaluation: ConsentEvaluation): ConsentOverview['whoMayConsent'] {
  const youthAdult = state.client.kind === 'client' || evaluation.ageBand === '16-plus';
  const competent = evaluation.competent !== false;
  const result: ConsentOverview['whoMayConsent'] = [];
  for (const person of state.persons) {
    if (person.role === 'client') {
      if ((evaluation.ageBand !== 'under-12' || state.client.kind === 'client') && competent) {
        result.push({ personId: person.id, name: person.name, sources: ['01'] });
      }
    } else if (person.role === 'custodian') {
      if (!youthAdult) result.push({ personId: person.id, name: person.name, sources: ['03', '04'] });
    } else if (person.role === 'legal-representative') {
      if (!competent && (evaluation.ageBand !== 'under-12' || state.client.kind === 'client')) {
        result.push({ personId: person.id, name: person.name, sources: ['05'] });
      }
    }
  }
  return result;
}

function upcomingBirthdays(state: ConsentState, today: IsoDate): ConsentOverview['upcoming'] {
  if (state.client.kind !== 'youth') return [];
  const horizon = addMonths(today, 3);
  const now = evaluateConsent(state.input, today).decision;
  const result: ConsentOverview['upcoming'] = [];
  for (const age of [12, 16] as const) {
    const birthday = nthBirthday(state.client.birthDate, age);
    if (compareIsoDates(birthday, today) <= 0 || compareIsoDates(birthday, horizon) > 0) continue;
    const then = evaluateConsent(state.input, birthday).decision;
    const who =
      age === 12
        ? 'Vanaf 12 jaar moeten de gezaghebbenden én de jeugdige zelf toestemming geven.'
        : 'Vanaf 16 jaar beslist alleen de jeugdige zelf; toestemming van gezaghebbenden telt niet meer.';
    const change =
      then === now
        ? `Met de huidige registraties blijft het besluit "${label(now)}".`
        : `Met de huidige registraties wordt het besluit dan "${label(then)}" (nu "${label(now)}").`;
    result.push({
      date: birthday,
      age,
      decisionNow: now,
      decisionThen: then,
      explanation: `${who} ${change}`,
    });
  }
  return result;
}

/** The tree names people by id; a professional reads names. Ids are UUIDs, so replacing is exact. */
function withNames(evaluation: ConsentEvaluation, persons: ConsentPerson[]): ConsentEvaluation {
  const named = (text: string) =>
    persons.reduce((t, p) => (p.id === SELF ? t : t.split(p.id).join(p.name)), text);
  return {
    ...evaluation,
    path: evaluation.path.map((step) => ({ question: named(step.question), answer: named(step.answer) })),
    ignoredRecords: evaluation.ignoredRecords.map((r) => ({ ...r, explanation: named(r.explanation) })),
  };
}

const label = (decision: string): string => (decision === 'toestemming' ? 'toestemming' : 'geen toestemming');

export interface ConsentHistory {
  clientId: string;
  records: StoredConsentRecord[];
  judgements: StoredJudgement[];
  /** Every change of the decision from birth to today. */
  transitions: ReturnType<typeof consentTransitions>;
}

export async function getConsentHistory(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  today: IsoDate,
): Promise<ConsentHistory> {
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const state = await loadState(trx, ura, clientId);
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'consent.history.read',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    const transitions =
      compareIsoDates(today, state.client.birthDate) >= 0
        ? consentTransitions(state.input, { from: state.client.birthDate, to: today })
        : [];
    return { clientId, records: state.records, judgements: state.judgements, transitions };
  });
}

export interface NewConsentRecord {
  agreed: boolean;
  sourcePersonId: string;
  source: ConsentSource;
  date: IsoDate;
  method?: ConsentMethod | undefined;
  note?: string | undefined;
}

/**
 * Registers a consent record. Refuses what the law refuses (problem+json naming the rule); in the
 * same transaction ends the same person's previous record in the same capacity (BDS 1607).
 */
export async function registerConsentRecord(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  body: NewConsentRecord,
  today: IsoDate,
): Promise<{
  record: StoredConsentRecord;
  evaluation: ConsentEvaluation;
  ended: string[];
  repairsQueued: number;
}> {
  requirePermission(ctx.actor, 'consent.register');
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const state = await loadState(trx, ura, clientId, true);
    const before = evaluateConsent(state.input, today).decision;
    const person: SourcePerson | undefined =
      body.sourcePersonId === SELF
        ? { kind: 'self' }
        : state.relations.has(body.sourcePersonId)
          ? { kind: 'related', ...state.relations.get(body.sourcePersonId)! }
          : undefined;
    if (!person) {
      throw refusal([
        {
          field: 'body.sourcePersonId',
          rule: 'known-related-person',
          message:
            'Deze persoon is niet bekend als ouder, gezaghebbende of wettelijk vertegenwoordiger van de cliënt.',
        },
      ]);
    }
    const violations = checkConsentRegistration(
      body,
      person,
      {
        kind: state.client.kind,
        birthDate: state.client.birthDate,
        competence: state.input.competence ?? [],
      },
      today,
    ).map((v) => ({ ...v, field: `body.${v.field}` }));

    const capacity = capacityOf(body.source);
    const previous = state.records.filter(
      (r) =>
        r.sourcePerson.id === body.sourcePersonId && capacityOf(r.source) === capacity && r.endDate === null,
    );
    for (const p of previous) {
      if (compareIsoDates(body.date, p.date) < 0) {
        violations.push({
          field: 'body.date',
          rule: 'not-before-previous-record',
          message: `Deze persoon heeft al een registratie van ${p.date}; een nieuwe registratie kan niet eerder gedateerd zijn.`,
        });
      }
    }
    if (violations.length > 0) throw refusal(violations);

    const inserted = await trx
      .insertInto('consent_record')
      .values({
        client_id: clientId,
        organisation_ura: ura,
        agreed: body.agreed,
        source_person_id: body.sourcePersonId === SELF ? null : body.sourcePersonId,
        source: body.source,
        consent_date: body.date,
        method: body.method ?? null,
        note: body.note ?? null,
        registered_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (previous.length > 0) {
      await trx
        .insertInto('consent_record_end')
        .values(
          previous.map((p) => ({
            record_id: p.id,
            end_date: body.date,
            ended_by_record_id: inserted.id,
            registered_by: ctx.actor.userId,
          })),
        )
        .execute();
    }
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'consent.register',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    const after = await loadState(trx, ura, clientId);
    const evaluation = withNames(evaluateConsent(after.input, today), after.persons);
    return {
      record: after.records.find((r) => r.id === inserted.id)!,
      evaluation,
      ended: previous.map((p) => p.id),
      repairsQueued: await repairsOnGain(trx, ura, clientId, before, evaluation.decision),
    };
  });
}

export async function registerCompetenceJudgement(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  clientId: string,
  body: { date: IsoDate; competent: boolean; explanation: string },
  today: IsoDate,
): Promise<{ judgement: StoredJudgement; evaluation: ConsentEvaluation; repairsQueued: number }> {
  const ura = organisationOf(ctx.actor);
  requirePermission(ctx.actor, 'competence.judge');
  return inOrganisation(db, ura, async (trx) => {
    const state = await loadState(trx, ura, clientId, true);
    const before = evaluateConsent(state.input, today).decision;
    const violations = checkCompetenceJudgement(body, state.client, today).map((v) => ({
      ...v,
      field: `body.${v.field}`,
    }));
    if (violations.length > 0) throw refusal(violations);
    const inserted = await trx
      .insertInto('competence_judgement')
      .values({
        client_id: clientId,
        organisation_ura: ura,
        judged_on: body.date,
        competent: body.competent,
        explanation: body.explanation,
        registered_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'competence.register',
      subjectType: 'client',
      subjectId: clientId,
      requestId: ctx.requestId,
    });
    const after = await loadState(trx, ura, clientId);
    const evaluation = withNames(evaluateConsent(after.input, today), after.persons);
    return {
      judgement: after.judgements.find((j) => j.id === inserted.id)!,
      evaluation,
      repairsQueued: await repairsOnGain(trx, ura, clientId, before, evaluation.decision),
    };
  });
}

/** R-C5: from no consent to consent, today: personalised repairs for what went out anonymously. */
async function repairsOnGain(
  trx: Db,
  ura: string,
  clientId: string,
  before: ConsentEvaluation['decision'],
  after: ConsentEvaluation['decision'],
): Promise<number> {
  return before === 'geen-toestemming' && after === 'toestemming' ? enqueueRepairs(trx, ura, clientId) : 0;
}

function capacityOf(source: ConsentSource): 'self' | 'custodian' | 'legal-representative' {
  return source === '01' ? 'self' : source === '05' ? 'legal-representative' : 'custodian';
}

function refusal(errors: FieldError[]): ProblemError {
  return new ProblemError(
    422,
    'rule-violation',
    'Registratie geweigerd',
    errors.map((e) => e.message).join(' '),
    errors,
  );
}

/**
 * The decision for the exchange (no audit: machine use by the sender) and, with consent, the date
 * from which it holds without interruption (R-C7: the registry may learn that date).
 */
export async function consentForExchange(
  db: Db,
  ura: string,
  clientId: string,
  today: IsoDate,
): Promise<{ decision: ConsentEvaluation['decision']; since: IsoDate | null }> {
  const state = await loadState(db, ura, clientId);
  const evaluation = evaluateConsent(state.input, today);
  if (evaluation.decision !== 'toestemming') return { decision: evaluation.decision, since: null };
  const transitions =
    compareIsoDates(today, state.client.birthDate) >= 0
      ? consentTransitions(state.input, { from: state.client.birthDate, to: today })
      : [];
  const lastGain = transitions.filter((t) => t.decision === 'toestemming').at(-1);
  return { decision: 'toestemming', since: lastGain?.date ?? today };
}
