import type { Kysely } from 'kysely';
import type { AuditEventTable } from './shared-tables.js';

export interface AuditEntry {
  actorId: string;
  organisationUra: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  requestId?: string | null;
}

/** Appends to the audit trail (R-C8) inside the caller's transaction, so the trail and the change agree. */
export async function appendAudit(
  // Kysely's types are invariant in the schema, and every service schema has audit_event.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  entry: AuditEntry,
): Promise<void> {
  await appendAuditEntries(db, [entry]);
}

/**
 * Appends several entries with one multi-row insert, in the given order (the chain's trigger links
 * them one by one). Inside the caller's transaction, like appendAudit; `src/db/audit-batch.ts` uses it
 * for group commit.
 */
export async function appendAuditEntries(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await (db as unknown as Kysely<{ audit_event: AuditEventTable }>)
    .insertInto('audit_event')
    .values(
      entries.map((entry) => ({
        actor_id: entry.actorId,
        organisation_ura: entry.organisationUra,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId ?? null,
        request_id: entry.requestId ?? null,
      })),
    )
    .execute();
}
