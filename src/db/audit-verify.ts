import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

export interface AuditVerification {
  entries: number;
  /** The first entry whose hash or link does not match, or null when the chain is intact. */
  firstBroken: { seq: number; id: number; problem: string } | null;
}

/**
 * Recomputes the audit chain outside the database (an independent check of what the trigger wrote):
 * each entry's hash over its predecessor's hash and its own fields, in chain order.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- both services' schemas have audit_event
export async function verifyAuditChain(db: Kysely<any>, batchSize = 10_000): Promise<AuditVerification> {
  let previous = 'genesis';
  let expectedSeq: number | null = null;
  let entries = 0;
  let after = 0;
  for (;;) {
    const rows = await sql<{
      id: number;
      seq: number;
      prev_hash: string;
      hash: string;
      at_text: string;
      actor_id: string;
      organisation_ura: string | null;
      action: string;
      subject_type: string;
      subject_id: string | null;
      request_id: string | null;
    }>`select id, seq, prev_hash, hash,
              to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text,
              actor_id, organisation_ura, action, subject_type, subject_id, request_id
         from audit_event where seq > ${after} order by seq limit ${batchSize}`.execute(db);
    if (rows.rows.length === 0) return { entries, firstBroken: null };
    for (const row of rows.rows) {
      const seq = Number(row.seq);
      entries++;
      if (expectedSeq !== null && seq !== expectedSeq) {
        return {
          entries,
          firstBroken: { seq, id: Number(row.id), problem: `entry ${expectedSeq} is missing` },
        };
      }
      if (row.prev_hash !== previous) {
        return {
          entries,
          firstBroken: { seq, id: Number(row.id), problem: 'link to the previous entry is broken' },
        };
      }
      const fields = [
        row.prev_hash,
        String(seq),
        row.at_text,
        row.actor_id,
        row.organisation_ura ?? '',
        row.action,
        row.subject_type,
        row.subject_id ?? '',
        row.request_id ?? '',
      ];
      const hash = createHash('sha256').update(fields.join('|'), 'utf8').digest('hex');
      if (hash !== row.hash) {
        return {
          entries,
          firstBroken: { seq, id: Number(row.id), problem: 'entry was changed after it was written' },
        };
      }
      previous = row.hash;
      expectedSeq = seq + 1;
      after = seq;
    }
  }
}
