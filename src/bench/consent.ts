import { sql, type Kysely } from 'kysely';
import { decideConsent, evaluateConsent } from '../domain/consent/decision.js';
import { custodiansOf } from '../domain/consent/custody.js';
import {
  YOUTH,
  type CompetenceJudgement,
  type ConsentInput,
  type ConsentRecord,
} from '../domain/consent/types.js';
import { generatePopulation } from '../demo/generator.js';
import type { DossierSchema } from '../dossier/schema.js';
import { createBenchDatabase, type BenchBackend } from './databases.js';
import { consentInputOf, loadDossierNation, refDaysOf, type NationOptions } from './generate.js';
import {
  countDatabaseServerCpu,
  perSecond,
  processCpuMicrosPer,
  round,
  timed,
  withPeakRss,
  type BenchResult,
} from './measure.js';

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
 * records and judgements read by id range (each an index-only scan: dossier migration 014), decided
 * with decideConsent. The next page is read while the current one is decided, so memory holds two pages
 * per range at most.
 */
export async function reevaluateAll(
  db: Kysely<DossierSchema>,
  today: string,
  options: {
    partitions?: number;
    /** Clients per page (default 5,000); tests use small pages to cross page boundaries. */
    pageSize?: number;
    onDecision?: (clientId: string, consent: boolean) => void;
  } = {},
): Promise<{ clients: number; consent: number }> {
  const partitions = options.partitions ?? 4;
  const pageSize = options.pageSize ?? BATCH;
  // The id space is split into ranges read side by side, so the database works while Node decides.
  const bounds: Array<string | null> = [null];
  for (let k = 1; k < partitions; k++) {
    const hex = Math.floor((k * 0x1_0000_0000) / partitions)
      .toString(16)
      .padStart(8, '0');
    bounds.push(`${hex}-0000-0000-0000-000000000000`);
  }
  const parts = await Promise.all(
    bounds.map((from, k) =>
      reevaluateRange(db, today, from, bounds[k + 1] ?? null, pageSize, options.onDecision),
    ),
  );
  return parts.reduce((a, b) => ({ clients: a.clients + b.clients, consent: a.consent + b.consent }));
}

async function reevaluateRange(
  db: Kysely<DossierSchema>,
  today: string,
  from: string | null,
  until: string | null,
  pageSize: number,
  onDecision: ((clientId: string, consent: boolean) => void) | undefined,
): Promise<{ clients: number; consent: number }> {
  // Every read is an index-only range scan (dossier migration 014) in client-id order, so a page is
  // merged in one walk instead of grouped through maps.
  const readPage = async (after: string | null) => {
    const clients = await db
      .selectFrom('client')
      .select(['id', 'birth_date'])
      .$if(after !== null, (q) => q.where('id', '>', after!))
      .$if(after === null && from !== null, (q) => q.where('id', '>=', from!))
      .$if(until !== null, (q) => q.where('id', '<', until!))
      .orderBy('id')
      .limit(pageSize)
      .execute();
    if (clients.length === 0) return { clients, relations: [], records: [], judgements: [] };
    const lo = clients[0]!.id;
    const hi = clients.at(-1)!.id;
    const [relations, records, judgements] = await Promise.all([
      db
        .selectFrom('client_relation')
        .select(['client_id', 'person_id as personId', 'relation', 'has_custody as hasCustody'])
        .where('client_id', '>=', lo)
        .where('client_id', '<=', hi)
        .orderBy('client_id')
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
          // As the dossier's toISOString() of the stored instant (milliseconds, UTC), without a Date.
          sql<string>`to_char(c.registered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as(
            'registered_at',
          ),
          'e.end_date',
        ])
        .where('c.client_id', '>=', lo)
        .where('c.client_id', '<=', hi)
        .orderBy('c.client_id')
        .execute(),
      db
        .selectFrom('competence_judgement')
        .select(['client_id', 'judged_on', 'competent'])
        .where('client_id', '>=', lo)
        .where('client_id', '<=', hi)
        .orderBy('client_id')
        .execute(),
    ]);
    return { clients, relations, records, judgements };
  };
  type Page = Awaited<ReturnType<typeof readPage>>;
  let total = 0;
  let consent = 0;
  let next: Promise<Page> = readPage(null);
  next.catch(() => undefined);
  for (;;) {
    const page = await next;
    if (page.clients.length === 0) break;
    if (page.clients.length === pageSize) next = readPage(page.clients.at(-1)!.id);
    else next = Promise.resolve({ clients: [], relations: [], records: [], judgements: [] });
    next.catch(() => undefined);
    const { relations, records, judgements } = page;
    let r = 0;
    let c = 0;
    let j = 0;
    for (const client of page.clients) {
      const id = client.id;
      // Uuid order is lowercase-hex string order, so string comparison follows the database's order.
      while (r < relations.length && relations[r]!.client_id < id) r++;
      const firstRelation = r;
      while (r < relations.length && relations[r]!.client_id === id) r++;
      while (j < judgements.length && judgements[j]!.client_id < id) j++;
      const competence: CompetenceJudgement[] = [];
      for (; j < judgements.length && judgements[j]!.client_id === id; j++) {
        competence.push({ date: judgements[j]!.judged_on, competent: judgements[j]!.competent });
      }
      while (c < records.length && records[c]!.client_id < id) c++;
      const clientRecords: ConsentRecord[] = [];
      for (; c < records.length && records[c]!.client_id === id; c++) {
        const row = records[c]!;
        clientRecords.push({
          id: row.id,
          agreed: row.agreed,
          by: row.source_person_id ?? YOUTH,
          source: row.source,
          date: row.consent_date,
          endDate: row.end_date,
          registeredAt: row.registered_at,
        });
      }
      if (client.birth_date > today) continue;
      const input: ConsentInput = {
        youth: { birthDate: client.birth_date },
        custodians: custodiansOf(relations.slice(firstRelation, r)),
        competence,
        records: clientRecords,
      };
      total++;
      const decision = decideConsent(input, today);
      if (decision) consent++;
      onDecision?.(id, decision);
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
      // Two passes in one process and pool. The first pays what a national run pays once: fresh
      // connections (a new PostgreSQL backend's first touch of shared buffers costs ~2 s of CPU over
      // the pool here) and Node compiling the path. The second is the steady state the rest of a
      // national run goes at, so the projection is the first pass plus the rest at the second's pace.
      const first = await withPeakRss(() => timed(() => reevaluateAll(database.db, options.referenceDate)));
      // PGlite runs in this process: its CPU is in Node's figure, and it has no server backends to count.
      const serverCpu = backend === 'postgres' ? await countDatabaseServerCpu(database.db) : null;
      const cpuBefore = process.cpuUsage();
      const second = await withPeakRss(() => timed(() => reevaluateAll(database.db, options.referenceDate)));
      const nodeCpuPerClient = processCpuMicrosPer(cpuBefore, second.value.value.clients);
      const serverSeconds = (await serverCpu?.stop()) ?? null;
      const { clients, consent } = first.value.value;
      if (second.value.value.consent !== consent) throw new Error('the two passes disagree');
      const seconds = first.value.ms / 1000;
      const steady = second.value.ms / 1000;
      const projected = seconds + (3_500_000 / clients - 1) * steady;
      const peakRssMiB = Math.max(first.peakRssMiB, second.peakRssMiB);
      return {
        name: 'Consent re-evaluation of every dossier from the database',
        backend,
        figures: {
          clients,
          'with consent': consent,
          'seconds, first pass (fresh pool)': round(seconds, 2),
          'seconds, second pass (same pool)': round(steady, 2),
          'clients/s (first, second)': `${perSecond(clients, first.value.ms)}, ${perSecond(clients, second.value.ms)}`,
          'CPU per client, second pass (µs: Node, PostgreSQL)': `${nodeCpuPerClient}, ${
            serverSeconds === null ? 'n/a' : Math.round((serverSeconds * 1e6) / clients)
          }`,
          'peak RSS (MiB, bench process)': peakRssMiB,
          'RSS when it started (MiB; earlier benchmarks of this process included)': first.startRssMiB,
          ...(clients < 3_500_000
            ? {
                'projected for 3.5 M (s: first pass + the rest at the second pass pace)': round(projected),
                'projected for 3.5 M (s, linear from the first pass alone)': round(
                  (3_500_000 / clients) * seconds,
                ),
              }
            : {}),
        },
        baseline: {
          label: 'COPY TO of the same rows (read floor)',
          figures: { seconds: round(floor.ms / 1000, 2), MiB: round(floor.value / 1_048_576) },
        },
        ratio: `${round(first.value.ms / floor.ms)}× the read floor (first pass), ${round(second.value.ms / floor.ms)}× (second)`,
        targets: [
          { label: '3.5 M dossiers in < 60 s', pass: projected < 60 },
          { label: 'peak RSS < 1 GiB', pass: peakRssMiB < 1024 },
        ],
      };
    } finally {
      await database.close();
    }
  } finally {
    await bench.drop();
  }
}
