import type { ColumnType, Generated } from 'kysely';

/** Table shapes that both services' databases have (each its own copy). */
export type Gender = '0' | '1' | '2' | '3'; // BDS 19, W0023

export interface AuditEventTable {
  id: Generated<number>;
  at: ColumnType<Date, never, never>;
  actor_id: string;
  organisation_ura: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  request_id: string | null;
  /** Chain position, link and hash: set by the database trigger, never by the application. */
  seq: ColumnType<number, never, never>;
  prev_hash: ColumnType<string, never, never>;
  hash: ColumnType<string, never, never>;
}
