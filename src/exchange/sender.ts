import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { IsoDate } from '../domain/dates/index.js';
import { chooseMessage, type ActivitySnapshot } from '../domain/messages/index.js';
import { consentForExchange } from '../dossier/consent.js';
import { activitiesReportedByForm, resendRegistrationForms } from '../dossier/registration-form.js';
import type { DossierSchema } from '../dossier/schema.js';
import { signingKeyFor } from './keys.js';
import { enqueueRepairs } from './outbox.js';
import { signBatch } from './signing.js';

/** What the registry answers per message of a batch. */
export interface IntakeResult {
  index: number;
  outcome: 'accepted' | 'duplicate' | 'stale' | 'held' | 'refused';
  rule?: string;
  reason?: string;
  /** R-R3: doses of this activity the registry judged not valid. */
  feedback?: Array<{ vaccineType: string; date: string; status: string; reason: string | null }>;
}

/** A message ready to sign, with the outbox row it answers for. */
interface Prepared {
  rowId: string;
  attempts: number;
  kind: 'personalised' | 'anonymous';
  message: unknown;
}

export interface DeliveryReport {
  attempted: number;
  sent: number;
  held: number;
  refused: number;
  failed: number;
  personalised: number;
  anonymous: number;
}

export interface SenderOptions {
  db: Kysely<DossierSchema>;
  registryUrl: () => string;
  today: () => IsoDate;
  batchSize?: number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  fetch?: typeof fetch;
  /** Retry delay after the n-th failed attempt (default 30 s doubling, at most 1 h). */
  backoffMs?: (attempts: number) => number;
}

const defaultBackoff = (attempts: number): number =>
  Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

/**
 * Delivers the outbox to the registry (R-V5): batches of signed messages, at-least-once; the
 * registry's intake is idempotent by (URA, activity id, version), so a retried batch has one effect.
 * Which message goes — personalised (4) or anonymous (4a) — is decided here, at send time.
 */
export class ExchangeSender {
  private running: Promise<DeliveryReport> | null = null;

  constructor(private readonly options: SenderOptions) {}

  useLogger(log: NonNullable<SenderOptions['log']>): void {
    this.options.log = log;
  }

  /** The nightly run: release the day's messages, queue repairs consent now allows, deliver. */
  async runNightly(): Promise<DeliveryReport> {
    const { db } = this.options;
    await db
      .updateTable('outbox_message')
      .set({ released: true })
      .where('state', '=', 'queued')
      .where('released', '=', false)
      .execute();
    await this.queueDueRepairs();
    return this.deliverDue();
  }

  /**
   * The daily job behind R-C5 for changes nobody registered: a 16th birthday, a record that ended.
   * Every client with an activity whose latest delivery was anonymous is evaluated today.
   */
  async queueDueRepairs(): Promise<number> {
    const { db, today } = this.options;
    const clients = await db
      .selectFrom('activity as a')
      .innerJoin('outbox_message as o', 'o.activity_pk', 'a.id')
      .select(['a.client_id', 'a.organisation_ura'])
      .where('o.sent_kind', '=', 'anonymous')
      .where('o.state', '=', 'sent')
      .whereRef('a.origin_ura', '=', 'a.organisation_ura')
      .distinct()
      .execute();
    let queued = 0;
    for (const client of clients) {
      queued += await db.transaction().execute(async (trx) => {
        const consent = await consentForExchange(trx, client.organisation_ura, client.client_id, today());
        return consent.decision === 'toestemming'
          ? enqueueRepairs(trx, client.organisation_ura, client.client_id)
          : 0;
      });
    }
    return queued;
  }

  /**
   * Makes an organisation's messages that wait out a failed delivery due now (its operator sends now,
   * e.g. after mending a signing key). Returns how many were waiting.
   */
  async expediteRetries(organisationUra: string, now: () => Date = () => new Date()): Promise<number> {
    const result = await this.options.db
      .updateTable('outbox_message')
      .set({ next_attempt_at: now() })
      .where('organisation_ura', '=', organisationUra)
      .where('state', '=', 'queued')
      .where('next_attempt_at', '>', now())
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Delivers everything released and due; one run at a time (a second call waits for the first). */
  async deliverDue(now: () => Date = () => new Date()): Promise<DeliveryReport> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.deliverLoop(now);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Waits for a run in progress (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async deliverLoop(now: () => Date): Promise<DeliveryReport> {
    const report: DeliveryReport = {
      attempted: 0,
      sent: 0,
      held: 0,
      refused: 0,
      failed: 0,
      personalised: 0,
      anonymous: 0,
    };
    const seen = new Set<string>();
    for (;;) {
      const due = await this.options.db
        .selectFrom('outbox_message')
        .select(['id', 'activity_pk', 'organisation_ura', 'version', 'attempts'])
        .where('state', '=', 'queued')
        .where('released', '=', true)
        .where('next_attempt_at', '<=', now())
        .orderBy('created_at')
        .limit(this.options.batchSize ?? 200)
        .execute();
      const fresh = due.filter((row) => !seen.has(row.id));
      if (fresh.length === 0) return report;
      fresh.forEach((row) => seen.add(row.id));
      // R-V6: what the registry holds from a registration form is resent as a form; a 4a would
      // replace a personalised form with anonymous rows (docs/transfer.md).
      const byForm = await activitiesReportedByForm(
        this.options.db,
        fresh.map((row) => row.activity_pk),
      );
      if (byForm.size > 0) {
        await resendRegistrationForms(
          {
            db: this.options.db,
            registryUrl: this.options.registryUrl,
            today: this.options.today,
            now,
            retryAt: (attempts) =>
              new Date(now().getTime() + (this.options.backoffMs ?? defaultBackoff)(attempts)),
            ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
            ...(this.options.log ? { log: this.options.log } : {}),
          },
          fresh.filter((row) => byForm.has(row.activity_pk)),
          report,
        );
      }
      const messages = fresh.filter((row) => !byForm.has(row.activity_pk));
      if (messages.length > 0) await this.deliverBatch(messages, report, now);
    }
  }

  private async deliverBatch(
    rows: Array<{
      id: string;
      activity_pk: string;
      organisation_ura: string;
      version: number;
      attempts: number;
    }>,
    report: DeliveryReport,
    now: () => Date,
  ): Promise<void> {
    const { db, today } = this.options;
    // One signed batch per organisation: its messages under one signature (issue 8).
    const byOrganisation = new Map<string, Prepared[]>();
    for (const row of rows) {
      const snapshot = await this.snapshot(row.activity_pk, row.version);
      const consent = await consentForExchange(db, row.organisation_ura, snapshot.clientId, today());
      const message = chooseMessage(
        snapshot.snapshot,
        consent.decision,
        consent.since ? { date: consent.since, organisationUra: row.organisation_ura } : null,
      );
      let ofOrganisation = byOrganisation.get(row.organisation_ura);
      if (!ofOrganisation) byOrganisation.set(row.organisation_ura, (ofOrganisation = []));
      ofOrganisation.push({
        rowId: row.id,
        attempts: row.attempts,
        kind: message.schema.endsWith('4/v1') ? 'personalised' : 'anonymous',
        message,
      });
    }
    for (const [ura, prepared] of byOrganisation) {
      const jws = await signBatch(
        prepared.map((p) => p.message),
        await signingKeyFor(db, ura),
      );
      await this.deliverSigned(jws, prepared, report, now);
    }
  }

  /** One organisation's signed batch to the registry, and each message's outcome recorded. */
  private async deliverSigned(
    jws: string,
    prepared: Prepared[],
    report: DeliveryReport,
    now: () => Date,
  ): Promise<void> {
    const { db } = this.options;
    report.attempted += prepared.length;
    let results: IntakeResult[];
    try {
      results = await this.post(jws);
    } catch (error) {
      // Registry unreachable, failing or refusing the batch as a whole (its signature, say): nothing
      // is lost, every row waits for its next attempt.
      const reason = error instanceof Error ? error.message : String(error);
      this.options.log?.warn({ batch: prepared.length, reason }, 'exchange delivery failed; will retry');
      await db.transaction().execute(async (trx) => {
        for (const p of prepared) {
          const attempts = p.attempts + 1;
          await trx
            .updateTable('outbox_message')
            .set({
              attempts,
              last_error: reason.slice(0, 500),
              next_attempt_at: new Date(
                now().getTime() + (this.options.backoffMs ?? defaultBackoff)(attempts),
              ),
            })
            .where('id', '=', p.rowId)
            .where('state', '=', 'queued')
            .execute();
        }
      });
      report.failed += prepared.length;
      return;
    }
    const byIndex = new Map(results.map((r) => [r.index, r]));
    await db.transaction().execute(async (trx) => {
      for (const [index, p] of prepared.entries()) {
        const result = byIndex.get(index);
        const outcome = result?.outcome ?? 'refused';
        const state = outcome === 'held' ? 'held' : outcome === 'refused' ? 'refused' : 'sent';
        await trx
          .updateTable('outbox_message')
          .set({
            state,
            attempts: p.attempts + 1,
            sent_kind: p.kind,
            sent_at: now(),
            last_error: null,
            registry_outcome: outcome,
            registry_reason:
              result?.reason ?? (result ? null : 'Geen antwoord van het register voor dit bericht.'),
            // Wrapped in an object: node-postgres would send a bare array as a Postgres array, not JSON.
            validity_feedback:
              result?.feedback && result.feedback.length > 0 ? { doses: result.feedback } : null,
          })
          .where('id', '=', p.rowId)
          .where('state', '=', 'queued')
          .execute();
        if (state === 'sent') {
          report.sent++;
          if (p.kind === 'personalised') report.personalised++;
          else report.anonymous++;
        } else if (state === 'held') report.held++;
        else report.refused++;
      }
    });
    this.options.log?.info({ batch: prepared.length, sent: report.sent }, 'exchange batch delivered');
  }

  private async post(jws: string): Promise<IntakeResult[]> {
    const doFetch = this.options.fetch ?? fetch;
    const response = await doFetch(`${this.options.registryUrl()}/api/exchange/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: jws,
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      // The registry's reason (a refused batch names its rule) for the operator; no personal data.
      const problem = (await response.json().catch(() => null)) as { detail?: unknown } | null;
      const detail = typeof problem?.detail === 'string' ? `: ${problem.detail}` : '';
      throw new Error(`registry answered ${response.status}${detail}`);
    }
    const body = (await response.json()) as { results?: IntakeResult[] };
    if (!Array.isArray(body.results)) throw new Error('registry answered without results');
    return body.results;
  }

  private async snapshot(
    activityPk: string,
    version: number,
  ): Promise<{ clientId: string; snapshot: ActivitySnapshot }> {
    const { db } = this.options;
    const row = await db
      .selectFrom('activity as a')
      .innerJoin('client as c', 'c.id', 'a.client_id')
      .select([
        'a.id',
        'a.activity_id',
        'a.activity_type',
        'a.activity_date',
        'a.organisation_ura',
        'c.id as client_id',
        'c.dossier_number',
        'c.dossier_status',
        'c.bsn',
        'c.given_name',
        'c.name_prefix',
        'c.family_name',
        'c.gender',
        'c.birth_date',
        'c.house_number',
        'c.house_letter',
        'c.house_number_addition',
        'c.postcode',
      ])
      .where('a.id', '=', activityPk)
      .executeTakeFirstOrThrow();
    const vaccinations = await db
      .selectFrom('vaccination')
      .selectAll()
      .where('activity_pk', '=', activityPk)
      .where('status', '=', 'active')
      .orderBy('vaccination_date')
      .execute();
    return {
      clientId: row.client_id,
      snapshot: {
        organisationUra: row.organisation_ura,
        version,
        dossier: { number: row.dossier_number, status: row.dossier_status },
        client: {
          bsn: row.bsn,
          givenName: row.given_name,
          prefix: row.name_prefix,
          familyName: row.family_name,
          gender: row.gender,
          birthDate: row.birth_date,
          address:
            row.house_number !== null && row.postcode
              ? {
                  houseNumber: row.house_number,
                  houseLetter: row.house_letter,
                  houseNumberAddition: row.house_number_addition,
                  postcode: row.postcode,
                }
              : null,
        },
        activity: { id: row.activity_id, type: row.activity_type, date: row.activity_date },
        vaccinations: vaccinations.map((v) => ({
          vaccineType: v.vaccine_type,
          date: v.vaccination_date,
          batchNumber: v.batch_number,
          performer: v.performer,
          location: v.location,
          objection: v.objection,
        })),
      },
    };
  }
}
