import { sql, type Kysely, type Transaction } from 'kysely';
import type { DossierSchema, OutboxReason } from '../dossier/schema.js';

type Db = Kysely<DossierSchema> | Transaction<DossierSchema>;

/**
 * Puts an activity's new version in the outbox, inside the caller's transaction (the same one that
 * changed the vaccination): the change and the intent to send it commit or fail together (R-V5).
 * Older versions still waiting are superseded: the registry only needs the latest.
 */
export async function enqueueActivity(
  trx: Db,
  input: {
    activityPk: string;
    organisationUra: string;
    version: number;
    reason: OutboxReason;
    immediate: boolean;
  },
): Promise<void> {
  await trx
    .updateTable('outbox_message')
    .set({ state: 'superseded' })
    .where('activity_pk', '=', input.activityPk)
    .where('state', '=', 'queued')
    .where('version', '<', input.version)
    .execute();
  await trx
    .insertInto('outbox_message')
    .values({
      organisation_ura: input.organisationUra,
      activity_pk: input.activityPk,
      version: input.version,
      reason: input.reason,
      urgency: input.immediate ? 'immediate' : 'nightly',
      released: input.immediate,
      last_error: null,
      sent_kind: null,
      sent_at: null,
      registry_outcome: null,
      registry_reason: null,
    })
    .execute();
}

/**
 * R-C5: consent is now given, so every activity of this organisation's own origin whose latest
 * delivered message was anonymous gets a personalised repair, today, with a new version. Activities
 * that came from another organisation's dossier are never resent. Returns how many were queued.
 */
export async function enqueueRepairs(trx: Db, organisationUra: string, clientId: string): Promise<number> {
  const candidates = await trx
    .selectFrom('activity as a')
    .select(['a.id', 'a.version'])
    .where('a.client_id', '=', clientId)
    .where('a.organisation_ura', '=', organisationUra)
    .whereRef('a.origin_ura', '=', 'a.organisation_ura')
    // R-V8: a dossier transferred away is closed here; its consent now lives with the new
    // organisation, which never resends our activities, so nobody repairs them (docs/transfer.md).
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('client as t')
            .select(sql`1`.as('one'))
            .whereRef('t.id', '=', 'a.client_id')
            .where('t.transferred_to_ura', 'is not', null),
        ),
      ),
    )
    // The latest delivered version went out anonymously …
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('outbox_message as o')
          .select(sql`1`.as('one'))
          .whereRef('o.activity_pk', '=', 'a.id')
          .where('o.sent_kind', '=', 'anonymous')
          .where('o.state', 'in', ['sent', 'held'])
          .where(
            'o.version',
            '=',
            selectFrom('outbox_message as l')
              .select((eb) => eb.fn.max('l.version').as('v'))
              .whereRef('l.activity_pk', '=', 'a.id')
              .where('l.state', 'in', ['sent', 'held']),
          ),
      ),
    )
    // (held counts as delivered: the registry has it on its worklist) … and nothing newer is waiting to go (that message will be decided at send time anyway).
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox_message as q')
            .select(sql`1`.as('one'))
            .whereRef('q.activity_pk', '=', 'a.id')
            .where('q.state', '=', 'queued'),
        ),
      ),
    )
    .forUpdate()
    .execute();
  for (const activity of candidates) {
    const version = activity.version + 1;
    await trx.updateTable('activity').set({ version }).where('id', '=', activity.id).execute();
    await enqueueActivity(trx, {
      activityPk: activity.id,
      organisationUra,
      version,
      reason: 'repair',
      immediate: true,
    });
  }
  return candidates.length;
}
