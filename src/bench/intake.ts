import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { generatedPersonAt } from '../demo/generator.js';
import { organisations } from '../demo/organisations.js';
import { addDays } from '../domain/dates/index.js';
import { makeBsn } from '../domain/identifiers/index.js';
import {
  buildAnonymousMessage,
  buildPersonalisedMessage,
  type ActivitySnapshot,
} from '../domain/messages/index.js';
import { CompactSign, importJWK } from 'jose';
import {
  JWS_ALGORITHM,
  JWS_BATCH_TYPE,
  JWS_TYPE,
  localKeys,
  newSigningKey,
  type SigningKey,
} from '../exchange/signing.js';
import { createRegistryApp } from '../registry/app.js';
import { MAX_BATCH } from '../registry/intake.js';
import type { RegistrySchema } from '../registry/schema.js';
import { copyLine, type BenchDatabase } from './databases.js';
import { VACCINATION_COLUMNS, type NationOptions } from './generate.js';
import {
  countDatabaseServerCpu,
  countWalWritten,
  machineSpeedMs,
  mainThreadCpuTicks,
  observeGc,
  perSecond,
  processCpuMicrosPer,
  round,
  timed,
  type BenchResult,
} from './measure.js';

const PERSONALISED_SHARE = 0.7;
const REPAIR_SHARE = 0.05;
const UNKNOWN_BSN_EVERY = 200;

interface PlannedMessage {
  payload: unknown;
  ura: string;
  vaccinations: Array<{ vaccineType: string; date: string }>;
  activityId: string;
}

/**
 * A peak day's messages from the dossiers: personalised (70 %) and anonymous, a few with a BSN the
 * registry does not know (held), and at the end repairs (5 %): earlier anonymous activities resent
 * personalised as version 2, which replace what came before.
 */
export function planMessages(
  options: NationOptions,
  count: number,
  activityTag = 'X',
  personOffset = 0,
): PlannedMessage[] {
  // Activity ids are at most 10 characters (BDS); a tag of its own keeps one run's ids from an earlier
  // run's in a kept registry, where they would arrive as duplicates instead of new activities.
  const idDigits = 10 - activityTag.length;
  if (count > 36 ** idDigits)
    throw new Error(`bench: ${count} messages do not fit activity tag ${activityTag}`);
  const repairs = Math.floor(count * REPAIR_SHARE);
  const base = count - repairs;
  const planned: PlannedMessage[] = [];
  const anonymous: Array<{ j: number; snapshot: ActivitySnapshot }> = [];
  for (let j = 0; j < base; j++) {
    // A spread of persons over the whole population (a multiplicative walk, no repeats below size).
    const index = Number(
      (BigInt(j) * 2_654_435_761n + BigInt(personOffset)) % BigInt(Math.max(1, options.size)),
    );
    const p = generatedPersonAt(options, index);
    const date = addDays(options.referenceDate, -(j % 30));
    const vaccinations = (j % 3 === 0 ? ['11', '08'] : ['04']).map((vaccineType) => ({
      vaccineType,
      date,
      batchNumber: `B${vaccineType}${j % 97}`,
      performer: 'Jeugdverpleegkundige',
      location: 'Consultatiebureau',
      objection: null,
    }));
    const activityId = `${activityTag}${j.toString(36).padStart(idDigits, '0')}`;
    const snapshot: ActivitySnapshot = {
      organisationUra: p.organisationUra,
      version: 1,
      dossier: { number: String(index + 1), status: '01' },
      client: {
        bsn: j % UNKNOWN_BSN_EVERY === 7 ? makeBsn(options.size + 1_000_000 + j) : p.bsn,
        givenName: p.givenName,
        prefix: p.prefix,
        familyName: p.familyName,
        gender: p.gender,
        birthDate: p.birthDate,
        address: {
          houseNumber: p.address.houseNumber,
          houseLetter: p.address.houseLetter,
          houseNumberAddition: p.address.houseNumberAddition,
          postcode: p.address.postcode,
        },
      },
      activity: { id: activityId, type: '01', date },
      vaccinations,
    };
    const personalised = (j * 0.618_033_988_75) % 1 < PERSONALISED_SHARE;
    if (!personalised) anonymous.push({ j, snapshot });
    planned.push({
      payload: personalised
        ? buildPersonalisedMessage(snapshot, { date: p.birthDate, organisationUra: p.organisationUra })
        : buildAnonymousMessage(snapshot),
      ura: p.organisationUra,
      vaccinations,
      activityId,
    });
  }
  for (let r = 0; r < Math.min(repairs, anonymous.length); r++) {
    const { snapshot } = anonymous[r % anonymous.length]!; // distinct while r < their number
    const repaired = { ...snapshot, version: 2 };
    planned.push({
      payload: buildPersonalisedMessage(repaired, {
        date: snapshot.client.birthDate,
        organisationUra: snapshot.organisationUra,
      }),
      ura: snapshot.organisationUra,
      vaccinations: [...snapshot.vaccinations],
      activityId: snapshot.activity.id,
    });
  }
  return planned;
}

const BARE_TABLE = `create table bench_bare_vaccination (
  id uuid, person_id uuid, organisation_ura text, activity_id text, activity_type text,
  activity_date date, version integer, vaccine_type text, vaccination_date date, batch_number text,
  performer text, location text, objection text)`;

export type IntakeForm = 'batch' | 'messages';

/** One HTTP request of the run: its body, made before the timed run, and the messages in it. */
interface Delivery {
  body: string;
  count: number;
}

/**
 * Registry intake over HTTP: signed batches (JWS ES256, one key per organisation) to the real registry
 * app on loopback, from the first byte sent to the last answer (each answer follows its commit).
 * Baseline: COPY of the same vaccination rows into a bare table without indexes or constraints.
 */
export async function benchIntake(
  bench: BenchDatabase,
  options: NationOptions & {
    messages: number;
    concurrency?: number;
    activityTag?: string;
    personOffset?: number;
    /** How the messages are signed: one JWS per organisation's batch (the sender's), or per message. */
    form?: IntakeForm;
  },
  log: (line: string) => void,
): Promise<BenchResult> {
  const form = options.form ?? 'batch';
  // The dossier's side, made before the timed run: the messages, their request bodies and the COPY
  // baseline. Only the bodies outlive it, so the registry's heap does not carry the sender's 200,000
  // message objects through the run (every full collection would mark them).
  const { requests, requestCount, messageCount, copy, keys } = await (async () => {
    const planned = planMessages(options, options.messages, options.activityTag, options.personOffset);
    const keys = new Map<string, SigningKey>();
    for (const o of organisations) keys.set(o.ura, await newSigningKey(o.ura));
    // As signPayload (src/exchange/signing.ts) does, with each organisation's key imported once.
    const imported = new Map<string, CryptoKey | Uint8Array>();
    for (const [ura, key] of keys) imported.set(ura, await importJWK(key.privateJwk, JWS_ALGORITHM));
    const encoder = new TextEncoder();
    const sign = (ura: string, payload: unknown, typ: string) =>
      new CompactSign(encoder.encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: JWS_ALGORITHM, kid: keys.get(ura)!.kid, typ })
        .sign(imported.get(ura)!);
    // Originals first, the repairs after them: each phase's request bodies, made before the timed run.
    const repairsFrom = planned.length - Math.floor(planned.length * REPAIR_SHARE);
    const phases = [planned.slice(0, repairsFrom), planned.slice(repairsFrom)];
    const signing = await timed(() =>
      Promise.all(
        phases.map(async (phase): Promise<Delivery[]> => {
          if (form === 'messages') {
            // Each message its own JWS, MAX_BATCH to a request, organisations mixed.
            const signed = await Promise.all(phase.map((m) => sign(m.ura, m.payload, JWS_TYPE)));
            const deliveries: Delivery[] = [];
            for (let i = 0; i < signed.length; i += MAX_BATCH) {
              const messages = signed.slice(i, i + MAX_BATCH);
              deliveries.push({ body: JSON.stringify({ messages }), count: messages.length });
            }
            return deliveries;
          }
          // As the sender does: one organisation's messages under one signature, MAX_BATCH at most.
          const byOrganisation = new Map<string, unknown[]>();
          for (const m of phase) {
            let of = byOrganisation.get(m.ura);
            if (!of) byOrganisation.set(m.ura, (of = []));
            of.push(m.payload);
          }
          const deliveries: Array<Promise<Delivery>> = [];
          for (const [ura, payloads] of byOrganisation) {
            for (let i = 0; i < payloads.length; i += MAX_BATCH) {
              const messages = payloads.slice(i, i + MAX_BATCH);
              deliveries.push(
                sign(ura, { messages }, JWS_BATCH_TYPE).then((body) => ({ body, count: messages.length })),
              );
            }
          }
          return Promise.all(deliveries);
        }),
      ),
    );
    const requests = signing.value;
    const requestCount = requests[0]!.length + requests[1]!.length;
    log(
      `  ${planned.length} messages signed (${form === 'batch' ? 'one signature per organisation’s batch' : 'one signature per message'}; ${requestCount} requests) in ${round(signing.ms / 1000, 1)} s (dossier side, not counted)`,
    );

    // Baseline: the same rows with COPY into a bare table.
    await bench.exec(BARE_TABLE);
    const copyRows = function* () {
      let n = 0;
      for (const m of planned) {
        for (const v of m.vaccinations) {
          n++;
          yield copyLine([
            `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
            null,
            m.ura,
            m.activityId,
            '01',
            v.date,
            1,
            v.vaccineType,
            v.date,
            'B',
            'Jeugdverpleegkundige',
            'Consultatiebureau',
            null,
          ]);
        }
      }
    };
    const copy = await timed(() => bench.copy('bench_bare_vaccination', VACCINATION_COLUMNS, copyRows()));
    await bench.exec('drop table bench_bare_vaccination');
    return { requests, requestCount, messageCount: planned.length, copy, keys };
  })();

  const database = await bench.open<RegistrySchema>();
  const trusted = localKeys([...keys.values()].map((k) => k.publicJwk));
  const app = await createRegistryApp({
    database,
    logLevel: 'silent',
    trustedKeys: () => trusted, // one key set, as the services' cached remote set
  });
  const walCount = bench.backend === 'postgres' && bench.url ? await countWalWritten(bench.url) : null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await database.close();
  };
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/exchange`;
    const [url, contentType] =
      form === 'batch' ? [`${base}/batches`, 'application/jose'] : [`${base}/messages`, 'application/json'];
    const before = await committedRows(database.db);
    const outcomes: Record<string, number> = {};
    const deliver = async (delivery: Delivery) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: delivery.body,
      });
      if (!response.ok) throw new Error(`intake answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { results: Array<{ outcome: string }> };
      if (body.results.length !== delivery.count) throw new Error('intake answered for other messages');
      for (const r of body.results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    };
    const concurrency = options.concurrency ?? 4;
    // Taken outside the timed run: it says how fast the machine was just before it.
    const machineSpeed = machineSpeedMs();
    // CPU besides wall time: on a shared machine it is the figure other load does not inflate.
    const serverCpuCount = bench.backend === 'postgres' ? await countDatabaseServerCpu(database.db) : null;
    const cpuBefore = process.cpuUsage();
    const mainBefore = await mainThreadCpuTicks();
    // The main thread's share: what it runs one thing at a time (worker and pool threads excluded).
    const loopBefore = performance.eventLoopUtilization();
    const gc = observeGc();
    const run = await timed(async () => {
      // Originals first, several organisations' batches at once; the repairs after them.
      for (const phase of requests) {
        let next = 0;
        const lane = async () => {
          while (next < phase.length) await deliver(phase[next++]!);
        };
        await Promise.all(Array.from({ length: concurrency }, lane));
      }
    });
    const processCpu = processCpuMicrosPer(cpuBefore, messageCount);
    const mainAfter = mainBefore === null ? null : await mainThreadCpuTicks();
    // Ticks of 10 ms (USER_HZ 100): over a run of seconds, well under 1 % of the figure.
    const mainThreadCpu =
      mainBefore === null || mainAfter === null
        ? null
        : Math.min(processCpu, Math.round(((mainAfter - mainBefore) * 10_000) / messageCount));
    const loopBusy = Math.round((performance.eventLoopUtilization(loopBefore).active * 1000) / messageCount);
    const collected = await gc.stop();
    const serverCpuSeconds = (await serverCpuCount?.stop()) ?? null;
    const serverCpu = serverCpuSeconds === null ? null : Math.round((serverCpuSeconds * 1e6) / messageCount);
    const after = await committedRows(database.db);
    await close(); // so every backend of the run reports its WAL statistics
    const wal = (await walCount?.stop()) ?? null;
    const seconds = run.ms / 1000;
    const rows = after - before;
    const projected = (200_000 / messageCount) * seconds;
    const floor = serverCpu === null ? null : (200_000 * (processCpu + serverCpu)) / 1e6 / 2;
    return {
      name: 'Registry intake: signed HTTP batches to committed rows',
      backend: bench.backend,
      figures: {
        messages: messageCount,
        'signed as': form === 'batch' ? 'one JWS per organisation’s batch' : 'one JWS per message',
        'HTTP requests': requestCount,
        outcomes: Object.entries(outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        'rows committed (vaccinations, worklist)': rows,
        seconds: round(seconds, 2),
        'messages/s': perSecond(messageCount, run.ms),
        'CPU per message, bench process (µs; registry, its threads and the sending client)': processCpu,
        ...(mainThreadCpu !== null
          ? {
              'of which the main thread (µs; CPU)': mainThreadCpu,
              'of which the other threads (µs; signature checks, V8 helpers, libuv)':
                processCpu - mainThreadCpu,
            }
          : {}),
        'event loop busy per message (µs; the bench process main thread)': loopBusy,
        // What the code allocates, whatever the machine's speed: the young generation fills once per scavenge.
        'scavenges per 1,000 messages (bench process)': round((1000 * collected.scavenges) / messageCount, 2),
        'full collections during the run': collected.fullCollections,
        'GC pauses per message (µs; the bench process main thread)': Math.round(
          (collected.pauseMs * 1000) / messageCount,
        ),
        ...(serverCpu !== null && floor !== null
          ? {
              'CPU per message, PostgreSQL server (µs)': serverCpu,
              'CPU floor for 200,000 on 2 cores (s; all CPU, perfectly parallel)': round(floor, 1),
              // Both terms come from this run, so a machine whose speed drifts between runs cancels out.
              'time above the CPU floor, for 200,000 (s; cores idle or waiting)': round(projected - floor, 1),
            }
          : {}),
        ...(wal !== null
          ? {
              'WAL per message (bytes; server-wide)': Math.round(wal.bytes / messageCount),
              'full-page images per 1,000 messages': Math.round((1000 * wal.fullPageImages) / messageCount),
              'checkpoints during the run': wal.checkpoints,
            }
          : {}),
        ...(messageCount !== 200_000 ? { 'projected for 200,000 (s, linear)': round(projected, 1) } : {}),
        'machine speed just before the run (ms for the fixed workload; lower is faster)': machineSpeed,
      },
      baseline: {
        label: 'COPY of the same vaccination rows into a bare table',
        figures: { rows: copy.value, seconds: round(copy.ms / 1000, 2) },
      },
      ratio: `${round(run.ms / copy.ms)}× COPY`,
      targets: [
        { label: '200,000 messages in < 30 s', pass: projected < 30 },
        { label: 'within 5× of COPY', pass: run.ms <= 5 * copy.ms },
      ],
    };
  } finally {
    await close();
    await walCount?.release();
  }
}

async function committedRows(db: import('kysely').Kysely<RegistrySchema>): Promise<number> {
  const r = await sql<{ n: number }>`select
    (select count(*) from vaccination_event) + (select count(*) from anonymous_vaccination)
    + (select count(*) from intake_worklist) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Messages that earlier bench intakes stored in a kept registry: each accepted message has its audit
 * entry, and the generator writes none. They gave persons extra doses near the reference date, so a
 * much-used kept registry no longer looks like a nation to the other benchmarks (BENCHMARKS.md,
 * tenth round).
 */
export async function earlierIntakeMessages(bench: BenchDatabase): Promise<number> {
  const database = await bench.open<RegistrySchema>();
  try {
    const r = await sql<{ n: string }>`select count(*) as n from audit_event
      where action in ('intake.personalised', 'intake.anonymous')`.execute(database.db);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await database.close();
  }
}
