/**
 * Whom the DigiD stand-in's login page offers in the demo: custodians of children in each age band
 * (under 12, 12–15, 16+) and youth of 12+ themselves, read from the dossier's demo data. Demo only.
 */
import { sql, type Kysely } from 'kysely';
import { ageInYears } from '../domain/dates/index.js';
import type { DossierSchema } from '../dossier/schema.js';
import { DEMO_FAMILY_LABELS } from './demo.js';
import type { DemoIdentity } from './oidc-standin.js';

export async function demoIdentities(
  db: Kysely<DossierSchema>,
  today: string,
  perBand = 2,
): Promise<DemoIdentity[]> {
  const custodians = await db
    .selectFrom('related_person as p')
    .innerJoin('client_relation as r', 'r.person_id', 'p.id')
    .innerJoin('client as c', 'c.id', 'r.client_id')
    .select(['p.bsn', 'p.given_name', 'c.given_name as child', 'c.birth_date'])
    .where('p.bsn', 'is not', null)
    .where('r.has_custody', '=', true)
    .where('c.kind', '=', 'youth')
    .where('c.birth_date', '<=', today)
    .orderBy(sql`md5(p.id::text)`)
    .limit(400)
    .execute();
  const youth = await db
    .selectFrom('client')
    .select(['bsn', 'given_name', 'birth_date'])
    .where('bsn', 'is not', null)
    .where('kind', '=', 'youth')
    .where('birth_date', '<=', `${Number(today.slice(0, 4)) - 12}${today.slice(4)}`)
    .orderBy(sql`md5(id::text)`)
    .limit(perBand)
    .execute();
  // The known demo family first (README), then a few of the generated population.
  const result: DemoIdentity[] = DEMO_FAMILY_LABELS.map((f) => ({ ...f }));
  const seen = new Set<string>(result.map((r) => r.bsn));
  for (const [band, test] of [
    ['onder 12', (age: number) => age < 12],
    ['12–15', (age: number) => age >= 12 && age < 16],
    ['16+', (age: number) => age >= 16],
  ] as const) {
    let n = 0;
    for (const c of custodians) {
      const age = ageInYears(c.birth_date, today);
      if (n >= perBand || !c.bsn || seen.has(c.bsn) || !test(age)) continue;
      seen.add(c.bsn);
      n++;
      result.push({
        bsn: c.bsn,
        label: `${c.given_name}, gezaghebbende van ${c.child} (${age} jaar, ${band})`,
      });
    }
  }
  for (const y of youth) {
    if (!y.bsn || seen.has(y.bsn)) continue;
    seen.add(y.bsn);
    result.push({ bsn: y.bsn, label: `${y.given_name} zelf (${ageInYears(y.birth_date, today)} jaar)` });
  }
  return result;
}
