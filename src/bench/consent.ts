import { sql, type Kysely } from 'kysely';
import { decideConsent, evaluateConsent } from '../domain/consent/decision.js';
import { YOUTH, type ConsentInput, type ConsentRecord } from '../domain/consent/types.js';
import { generatePopulation } from '../demo/generator.js';
import type { DossierSchema } from '../dossier/schema.js';
import { createBenchDatabase, type BenchBackend } from './databases.js';
import { consentInputOf, loadDossierNation, refDaysOf, type NationOptions } from './generate.js';
import { perSecond, round, timed, withPeakRss, type BenchResult } from './measure.js';

/** Decisions per second in-process: the bulk path (decideConsent) against the explained tree (evaluateConsent). */
export function benchConsentInProcess(options: NationOptions, minMs = 1500): BenchResult {
  const refDays = refDaysOf(options.referenceDate);
  const count = Math.min(options.size, 200_000);
  const inputs: ConsentInput[] = [];
  for (const p of generatePopulation({ ...options, size: count })) {
    inputs.push(consentInputOf(p, options.seed, refDays));
  }
  const date = options.referenceDate;
  const rate = (decide: (input: ConsentInput) => unknown, minMs: number) => {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (const input of inputs) decide(input);
      n += inputs.length;
      elapsed = performance.now() - start;
    } while (elapsed < minMs);
    return perSecond(n, elapsed);
  };
  let yes = 0;
  for (const input of inputs) if (decideConsent(input, date)) yes++;
  const fast = rate((input) => decideConsent(input, date), minMs);
  const explained = rate((input) => evaluateConsent(input, date), minMs);
  return {
    name: 'Consent decisions in-process',
    backend: 'none',
    figures: {
      inputs: inputs.length,
      'share with consent': `${round((100 * yes) / inputs.length)} %`,
      'decisions/s (decideConsent)': fast,
    },
    baseline: {
      label: 'the explained tree (evaluateConsent, with its path)',
      figures: { 'decisions/s': explained },
    },
    ratio: `${round(fast / explained)}× the explained tree`,
    targets: [{ label: '≥ 1,000,000 decisions/s', pass: fast >= 1_000_000 }],
  };
}

const BATCH = 5000;

/**
 * Re-evaluates every dossier's consent from the database: keyset pages of clients, their relations,
 * records and judgements read by id range (each an index range scan), decided with decideConsent.
 * The next page is read while the current one is decided, so memory holds two pages at most.
 */
export async function reevaluateAll(
  db: Kysely<DossierSchema>,
  today: string,
  partitions = 4,
): Promise<{ clients: number; consent: number }> {
  // The id space is split into ranges read side by side, so the database works while Node decides.
  const bounds: Array<string | null> = [null];
  for (let k = 1; k < partitions; k++) {
    const hex = Math.floor((k * 0x1_0000_0000) / partitions)
      .toString(16)
      .padStart(8, '0');
    bounds.push(`${hex}-0000-0000-0000-000000000000`);
  }
  const parts = await Promise.all(
    bounds.map((from, k) => reevaluateRange(db, today, from, bounds[k + 1] ?? null)),
  );
  return parts.reduce((a, b) => ({ clients: a.clients + b.clients, consent: a.consent + b.consent }));
}

async function reevaluateRange(
  db: Kysely<DossierSchema>,
  today: string,
  from: string | null,
  until: string | null,
): Promise<{ clients: number; consent: number }> {
  type Page = Awaited<ReturnType<typeof readPage>>;
  const readPage = async (after: string | null) => {
    const clients = await db
      .selectFrom('client')
      .select(['id', 'birth_date'])
      .$if(after !== null, (q) => q.where('id', '>', after!))
      .$if(after === null && from !== null, (q) => q.where('id', '>=', from!))
      .$if(until !== null, (q) => q.where('id', '<', until!))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (clients.length === 0) return { clients, relations: [], records: [], judgements: [] };
    const lo = clients[0]!.id;
    const hi = clients.at(-1)!.id;
    const [relations, records, judgements] = await Promise.all([
      db
        .selectFrom('client_relation')
        .select(['client_id', 'person_id', 'relation', 'has_custody'])
        .where('client_id', '>=', lo)
        .where('client_id', '<=', hi)
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
        .where('c.client_id', '>=', lo)
        .where('c.client_id', '<=', hi)
        .execute(),
      db
        .selectFrom('competence_judgement')
        .select(['client_id', 'judged_on', 'competent'])
        .where('client_id', '>=', lo)
        .where('client_id', '<=', hi)
        .execute(),
    ]);
    return { clients, relations, records, judgements };
  };
  const group = <T extends { client_id: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) {
      const list = map.get(r.client_id);
      if (list) list.push(r);
      else map.set(r.client_id, [r]);
    }
    return map;
  };
  let total = 0;
  let consent = 0;
  let next: Promise<Page> = readPage(null);
  next.catch(() => undefined);
  for (;;) {
    const page = await next;
    if (page.clients.length === 0) break;
    if (page.clients.length === BATCH) next = readPage(page.clients.at(-1)!.id);
    else next = Promise.resolve({ clients: [], relations: [], records: [], judgements: [] });
    const relations = group(page.relations);
    const records = group(page.records);
    const judgements = group(page.judgements);
    for (const client of page.clients) {
      if (client.birth_date > today) continue;
      // As the dossier's loadState: custody counts, a legal representative is not a custodian.
      const custody = new Map<string, boolean>();
      const representative = new Set<string>();
      for (const r of relations.get(client.id) ?? []) {
        custody.set(r.person_id, (custody.get(r.person_id) ?? false) || r.has_custody);
        if (r.relation === 'legal-representative') representative.add(r.person_id);
      }
      const custodians: string[] = [];
      for (const [id, has] of custody) if (has && !representative.has(id)) custodians.push(id);
      const input: ConsentInput = {
        youth: { birthDate: client.birth_date },
        custodians,
        competence: (judgements.get(client.id) ?? []).map((j) => ({
          date: j.judged_on,
          competent: j.competent,
        })),
        records: (records.get(client.id) ?? []).map((r): ConsentRecord => ({
          id: r.id,
          agreed: r.agreed,
          by: r.source_person_id ?? YOUTH,
          source: r.source,
          date: r.consent_date,
          endDate: r.end_date,
          registeredAt: new Date(r.registered_at).toISOString(),
        })),
      };
      total++;
      if (decideConsent(input, today)) consent++;
    }
  }
  return { clients: total, consent };
}

export async function benchConsentReevaluation(
  backend: BenchBackend,
  options: NationOptions,
  log: (line: string) => void,
): Promise<BenchResult> {
  const bench = await createBenchDatabase(backend, 'dossier');
  try {
    const load = await timed(() => loadDossierNation(bench, options));
    log(
      `  dossier generated: ${load.value.clients} clients, ${load.value.consentRecords} consent records in ${round(load.ms / 1000)} s`,
    );
    // Read floor: every row the re-evaluation needs, streamed out with COPY and discarded.
    const floor = await timed(async () => {
      let bytes = 0;
      bytes += await bench.copyOut('select id, birth_date from client');
      bytes += await bench.copyOut('select client_id, person_id, relation, has_custody from client_relation');
      bytes += await bench.copyOut(
        'select c.id, c.client_id, c.agreed, c.source_person_id, c.source, c.consent_date, c.registered_at, e.end_date from consent_record c left join consent_record_end e on e.record_id = c.id',
      );
      bytes += await bench.copyOut('select client_id, judged_on, competent from competence_judgement');
      return bytes;
    });
    const database = await bench.open<DossierSchema>();
    try {
      await sql`select 1`.execute(database.db);
      const run = await withPeakRss(() => timed(() => reevaluateAll(database.db, options.referenceDate)));
      const { clients, consent } = run.value.value;
      const seconds = run.value.ms / 1000;
      const projected = (3_500_000 / clients) * seconds;
      return {
        name: 'Consent re-evaluation of every dossier from the database',
        backend,
        figures: {
          clients,
          'with consent': consent,
          seconds: round(seconds, 2),
          'clients/s': perSecond(clients, run.value.ms),
          'peak RSS (MiB, bench process)': run.peakRssMiB,
          'RSS when it started (MiB; earlier benchmarks of this process included)': run.startRssMiB,
          ...(clients < 3_500_000 ? { 'projected for 3.5 M (s, linear)': round(projected) } : {}),
        },
        baseline: {
          label: 'COPY TO of the same rows (read floor)',
          figures: { seconds: round(floor.ms / 1000, 2), MiB: round(floor.value / 1_048_576) },
        },
        ratio: `${round(run.value.ms / floor.ms)}× the read floor`,
        targets: [
          { label: '3.5 M dossiers in < 60 s', pass: projected < 60 },
          { label: 'peak RSS < 1 GiB', pass: run.peakRssMiB < 1024 },
        ],
      };
    } finally {
      await database.close();
    }
  } finally {
    await bench.drop();
  }
}
