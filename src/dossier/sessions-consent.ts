/**
 * Consent inputs for many youth at once (a cohort, a sweep): the same mapping as the consent page's
 * (src/dossier/consent.ts) — custodians are related persons with custody, the youth's own records are
 * `YOUTH` — read with one query per table instead of one per youth.
 */
import type { Kysely, Transaction } from 'kysely';
import { isoDateInZone } from '../domain/dates/index.js';
import type { IsoDate } from '../domain/dates/index.js';
import { YOUTH, type ConsentInput } from '../domain/consent/index.js';
import { formatPersonName } from '../domain/names.js';
import type { DossierSchema } from './schema.js';

type Db = Kysely<DossierSchema> | Transaction<DossierSchema>;

export interface RelatedForLetters {
  id: string;
  name: string;
  bsn: string | null;
  /** For the call list; often unknown (null). */
  phone: string | null;
  relation: 'parent' | 'guardian' | 'legal-representative';
  hasCustody: boolean;
}

export interface ConsentFacts {
  input: ConsentInput;
  related: RelatedForLetters[];
  /** Date (NL) of the latest registration of any consent record, or null. */
  lastRegistrationOn: IsoDate | null;
}

const CHUNK = 500;

export async function loadConsentFacts(
  db: Db,
  clients: ReadonlyArray<{ id: string; birthDate: IsoDate }>,
): Promise<Map<string, ConsentFacts>> {
  const result = new Map<string, ConsentFacts>();
  for (let i = 0; i < clients.length; i += CHUNK) {
    const part = clients.slice(i, i + CHUNK);
    const ids = part.map((c) => c.id);
    if (ids.length === 0) continue;
    const [relations, records, judgements] = await Promise.all([
      db
        .selectFrom('client_relation as r')
        .innerJoin('related_person as p', 'p.id', 'r.person_id')
        .select([
          'r.client_id',
          'p.id',
          'p.given_name',
          'p.name_prefix',
          'p.family_name',
          'p.bsn',
          'p.phone',
          'r.relation',
          'r.has_custody',
        ])
        .where('r.client_id', 'in', ids)
        .execute(),
      db
        .selectFrom('consent_record as c')
        .leftJoin('consent_record_end as e', 'e.record_id', 'c.id')
        .select([
          'c.id',
          'c.client_id',
          'c.agreed',
          'c.source_person_id',
          'c.source',
          'c.consent_date',
          'c.registered_at',
          'e.end_date',
        ])
        .where('c.client_id', 'in', ids)
        .execute(),
      db
        .selectFrom('competence_judgement')
        .select(['client_id', 'judged_on', 'competent', 'registered_by'])
        .where('client_id', 'in', ids)
        .execute(),
    ]);
    for (const client of part) {
      const related = new Map<string, RelatedForLetters>();
      for (const r of relations) {
        if (r.client_id !== client.id) continue;
        const existing = related.get(r.id);
        related.set(r.id, {
          id: r.id,
          name: formatPersonName(r.given_name, r.name_prefix, r.family_name),
          bsn: r.bsn,
          phone: r.phone,
          // A parent who is also the legal representative keeps the parent relation (as consent.ts).
          relation:
            existing?.relation === 'legal-representative' ? r.relation : (existing?.relation ?? r.relation),
          hasCustody: (existing?.hasCustody ?? false) || r.has_custody,
        });
      }
      const own = records.filter((r) => r.client_id === client.id);
      const registered = own.map((r) => isoDateInZone(new Date(r.registered_at))).sort();
      result.set(client.id, {
        related: [...related.values()],
        lastRegistrationOn: registered.at(-1) ?? null,
        input: {
          youth: { birthDate: client.birthDate },
          custodians: [...related.values()]
            .filter((r) => r.hasCustody && r.relation !== 'legal-representative')
            .map((r) => r.id),
          competence: judgements
            .filter((j) => j.client_id === client.id)
            .map((j) => ({ date: j.judged_on, competent: j.competent, by: j.registered_by })),
          records: own.map((r) => ({
            id: r.id,
            agreed: r.agreed,
            by: r.source_person_id ?? YOUTH,
            source: r.source,
            date: r.consent_date,
            endDate: r.end_date,
            registeredAt: new Date(r.registered_at).toISOString(),
          })),
        },
      });
    }
  }
  return result;
}
