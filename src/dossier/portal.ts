/**
 * The dossier's side of the portal (SPEC §10, seed 001 §4.4 "klantportalen"): whom a signed-in citizen
 * (BSN from DigiD) may act for, what they may see of the consent part of the dossier, and their own
 * registration, which goes through exactly the same rules and transitions as a professional's
 * (registerConsentRecord: checks, ending the previous record, audit, repairs on a gain).
 *
 * Visibility: only the consent part, never the rest of the dossier. A custodian of a child under 12
 * sees the custodians' records and the decision; a custodian of a youth of 12–15 sees only their own
 * record (what the youth chose is the youth's); a custodian of a youth of 16+ sees nothing but that the
 * youth decides. A youth of 12+ sees their own record and the decision.
 */
import type { Kysely } from 'kysely';
import { ageInYears, compareIsoDates, type IsoDate } from '../domain/dates/index.js';
import type { ConsentSource } from '../domain/consent/index.js';
import { formatPersonName } from '../domain/names.js';
import { notFound, ruleViolation } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { getConsentOverview, registerConsentRecord, SELF } from './consent.js';
import type { DossierSchema } from './schema.js';

/** The actor the dossier records for a portal registration: the portal, acting for a citizen. */
export const PORTAL_ACTOR_ID = 'portal';
export const PORTAL_ROLE = 'citizen-portal';

export type PortalCapacity = 'self' | 'custodian';

export interface PortalSubject {
  clientId: string;
  name: string;
  birthDate: IsoDate;
  age: number;
  capacity: PortalCapacity;
  organisation: string;
  /** Whether this citizen may register consent for this client now (R-C4 age bands). */
  mayRegister: boolean;
  /** Plain Dutch: who decides at this age and what this citizen's voice counts for. */
  explanation: string;
}

interface Candidate extends PortalSubject {
  organisationUra: string;
  sourcePersonId: string;
  /** Custodians of the client (with custody): decides 03 (sole custodian) or 04 (both must agree). */
  custodianCount: number;
}

/**
 * The two cross-organisation lookups by BSN: clients who are the citizen, and clients of whom the
 * citizen is a custodian. Exported so a test can EXPLAIN them (indexes of migration dossier/010).
 */
export const ownClientsQuery = (db: Kysely<DossierSchema>, bsn: string) =>
  db
    .selectFrom('client as c')
    .innerJoin('organisation as o', 'o.ura', 'c.organisation_ura')
    .select([
      'c.id',
      'c.kind',
      'c.given_name',
      'c.name_prefix',
      'c.family_name',
      'c.birth_date',
      'o.ura',
      'o.name',
    ])
    .where('c.bsn', '=', bsn);

export const custodyClientsQuery = (db: Kysely<DossierSchema>, bsn: string) =>
  db
    .selectFrom('related_person as p')
    .innerJoin('client_relation as r', 'r.person_id', 'p.id')
    .innerJoin('client as c', 'c.id', 'r.client_id')
    .innerJoin('organisation as o', 'o.ura', 'c.organisation_ura')
    .select([
      'p.id as person_id',
      'c.id',
      'c.kind',
      'c.given_name',
      'c.name_prefix',
      'c.family_name',
      'c.birth_date',
      'o.ura',
      'o.name',
    ])
    .where('p.bsn', '=', bsn)
    .where('r.has_custody', '=', true)
    .where('r.relation', 'in', ['parent', 'guardian']);

async function candidates(db: Kysely<DossierSchema>, bsn: string, today: IsoDate): Promise<Candidate[]> {
  // Machine lookup across organisations (runs as the owner, like the exchange sender): a citizen's
  // children can be in the dossier of any youth-health organisation.
  const own = await ownClientsQuery(db, bsn).execute();
  const custody = await custodyClientsQuery(db, bsn).execute();
  const clientIds = [...new Set([...own, ...custody].map((c) => c.id))];
  const counts =
    clientIds.length === 0
      ? []
      : await db
          .selectFrom('client_relation')
          .select(['client_id', (eb) => eb.fn.count<string>('person_id').distinct().as('n')])
          .where('client_id', 'in', clientIds)
          .where('has_custody', '=', true)
          .where('relation', 'in', ['parent', 'guardian'])
          .groupBy('client_id')
          .execute();
  const custodianCount = (id: string) => Number(counts.find((c) => c.client_id === id)?.n ?? 0);
  const result: Candidate[] = [];
  for (const c of own) {
    if (compareIsoDates(c.birth_date, today) > 0) continue;
    const age = ageInYears(c.birth_date, today);
    const adult = c.kind === 'client' || age >= 16;
    result.push({
      clientId: c.id,
      name: formatPersonName(c.given_name, c.name_prefix, c.family_name),
      birthDate: c.birth_date,
      age,
      capacity: 'self',
      organisation: c.name,
      organisationUra: c.ura,
      sourcePersonId: SELF,
      custodianCount: custodianCount(c.id),
      mayRegister: age >= 12 || c.kind === 'client',
      explanation:
        age < 12 && c.kind === 'youth'
          ? 'Tot 12 jaar beslissen je ouders of voogd.'
          : adult
            ? 'U beslist zelf over het delen van uw vaccinatiegegevens.'
            : 'Vanaf 12 jaar geef je zelf toestemming. Je ouders of voogd moeten ook toestemming geven; pas als jullie allemaal ja zeggen, worden je gegevens gedeeld.',
    });
  }
  for (const c of custody) {
    if (compareIsoDates(c.birth_date, today) > 0) continue;
    const age = ageInYears(c.birth_date, today);
    const adult = c.kind === 'client' || age >= 16;
    result.push({
      clientId: c.id,
      name: formatPersonName(c.given_name, c.name_prefix, c.family_name),
      birthDate: c.birth_date,
      age,
      capacity: 'custodian',
      organisation: c.name,
      organisationUra: c.ura,
      sourcePersonId: c.person_id,
      custodianCount: custodianCount(c.id),
      mayRegister: !adult,
      explanation: adult
        ? 'Vanaf 16 jaar beslist uw kind zelf. U ziet hier daarom niets meer van de toestemming.'
        : age >= 12
          ? 'Vanaf 12 jaar geeft uw kind ook zelf toestemming. U ziet alleen uw eigen keuze; wat uw kind kiest, ziet u niet.'
          : 'Tot 12 jaar beslissen de gezaghebbenden. Bij twee gezaghebbenden moeten beiden ja zeggen.',
    });
  }
  return result;
}

const publicOf = (c: Candidate): PortalSubject => ({
  clientId: c.clientId,
  name: c.name,
  birthDate: c.birthDate,
  age: c.age,
  capacity: c.capacity,
  organisation: c.organisation,
  mayRegister: c.mayRegister,
  explanation: c.explanation,
});

export async function portalSubjects(
  db: Kysely<DossierSchema>,
  bsn: string,
  today: IsoDate,
): Promise<PortalSubject[]> {
  return (await candidates(db, bsn, today)).map(publicOf);
}

async function subjectFor(
  db: Kysely<DossierSchema>,
  bsn: string,
  clientId: string,
  today: IsoDate,
): Promise<Candidate> {
  // Self first: a youth who is also (oddly) listed as a related person acts as themself.
  const found = (await candidates(db, bsn, today))
    .filter((c) => c.clientId === clientId)
    .sort((a) => (a.capacity === 'self' ? -1 : 1))[0];
  if (!found) throw notFound('Deze persoon');
  return found;
}

const portalActor = (c: Candidate): Actor => ({
  userId: PORTAL_ACTOR_ID,
  name: 'Portaal',
  role: PORTAL_ROLE,
  organisation: { ura: c.organisationUra, name: c.organisation },
});

export interface PortalConsentView {
  subject: PortalSubject;
  /** This citizen's own active record, if any. */
  own: { agreed: boolean; date: IsoDate; source: ConsentSource } | null;
  /** The decision, where this citizen may see it (null otherwise). */
  decision: 'toestemming' | 'geen-toestemming' | null;
  /** Other custodians' active records, where this citizen may see them (custodians of a child under 12). */
  others: Array<{ name: string; agreed: boolean; date: IsoDate }>;
}

export async function portalConsent(
  db: Kysely<DossierSchema>,
  bsn: string,
  clientId: string,
  today: IsoDate,
  requestId: string,
): Promise<PortalConsentView> {
  const subject = await subjectFor(db, bsn, clientId, today);
  const view: PortalConsentView = { subject: publicOf(subject), own: null, decision: null, others: [] };
  const youthAdult = subject.age >= 16;
  if (subject.capacity === 'custodian' && youthAdult) return view; // the youth decides alone
  const overview = await getConsentOverview(db, { actor: portalActor(subject), requestId }, clientId, {
    today,
  });
  const active = overview.records.filter((r) => r.endDate === null || compareIsoDates(r.endDate, today) > 0);
  const mine = active.filter((r) => r.sourcePerson.id === subject.sourcePersonId).at(-1);
  view.own = mine ? { agreed: mine.agreed, date: mine.date, source: mine.source } : null;
  if (subject.capacity === 'self' || subject.age < 12) view.decision = overview.evaluation.decision;
  if (subject.capacity === 'custodian' && subject.age < 12) {
    view.others = active
      .filter((r) => r.sourcePerson.role === 'custodian' && r.sourcePerson.id !== subject.sourcePersonId)
      .map((r) => ({ name: r.sourcePerson.name, agreed: r.agreed, date: r.date }));
  }
  return view;
}

/**
 * Registers yes or no from the portal, dated today, as the citizen: through registerConsentRecord, so
 * the same refusals, the end of the previous record and the repairs on a gain apply. A custodian's
 * yes is source 04 (the other custodian must agree too) when the child has two custodians, 03 when
 * they are the only one: the portal cannot know the other custodian agreed, a professional can.
 */
export async function registerPortalConsent(
  db: Kysely<DossierSchema>,
  bsn: string,
  clientId: string,
  agreed: boolean,
  today: IsoDate,
  requestId: string,
): Promise<{ view: PortalConsentView; repairsQueued: number }> {
  const subject = await subjectFor(db, bsn, clientId, today);
  if (!subject.mayRegister) {
    throw subject.capacity === 'self'
      ? ruleViolation('body.agreed', 'source-01-from-12', 'Tot 12 jaar beslissen je ouders of voogd.')
      : ruleViolation(
          'body.agreed',
          'custodian-consent-until-16',
          'Vanaf 16 jaar beslist uw kind zelf; uw toestemming telt dan niet meer.',
        );
  }
  const source: ConsentSource = subject.capacity === 'self' ? '01' : subject.custodianCount > 1 ? '04' : '03';
  const result = await registerConsentRecord(
    db,
    { actor: portalActor(subject), requestId },
    clientId,
    {
      agreed,
      sourcePersonId: subject.sourcePersonId,
      source,
      date: today,
      method: 'portal',
      note: 'Geregistreerd door de burger zelf via het portaal (DigiD).',
    },
    today,
  );
  return {
    view: await portalConsent(db, bsn, clientId, today, requestId),
    repairsQueued: result.repairsQueued,
  };
}
