import { sql, type Kysely } from 'kysely';

/**
 * What registry writers of vaccinations serialise on: an activity (URA, activity id), whose received
 * version decides duplicate, stale or replace (R-V4), and a person by BSN, whose history judges the
 * new doses (R-R3) and whose unlink request (R-R6) decides what is kept personal. Everything that
 * writes either takes its locks first, in one statement, in one global order (activities before
 * persons, then by hash), so two writers never wait on each other in a circle.
 *
 * Advisory locks in the two-int4 key space (the audit chain's lock is a one-bigint key, apart from
 * these): concurrent intake groups of other activities and other persons run side by side, and
 * the audit chain's lock is only held for the audit rows and the commit (issue 8).
 */
export interface IntakeKeys {
  activities?: ReadonlyArray<{ organisationUra: string; activityId: string }>;
  bsns?: readonly string[];
}

/** Key spaces (the first int4 of the lock key). */
const ACTIVITY_LOCKS = 7_301;
const PERSON_LOCKS = 7_302;

/**
 * Takes the keys' locks: for the transaction (`trx` inside one), or for the session (on a connection
 * of its own, for a group written in one autocommitted statement; `unlockIntakeKeys` releases them).
 */
export async function lockIntakeKeys(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service schema
  db: Kysely<any>,
  keys: IntakeKeys,
  scope: 'transaction' | 'session',
): Promise<void> {
  const spaces: number[] = [];
  const names: string[] = [];
  for (const a of keys.activities ?? []) {
    spaces.push(ACTIVITY_LOCKS);
    names.push(`${a.organisationUra}|${a.activityId}`);
  }
  for (const bsn of keys.bsns ?? []) {
    spaces.push(PERSON_LOCKS);
    names.push(bsn);
  }
  if (names.length === 0) return;
  const lock = sql.raw(scope === 'session' ? 'pg_advisory_lock' : 'pg_advisory_xact_lock');
  // The subquery's order is the order the locks are taken in (one row at a time, as it is read).
  await sql`select ${lock}(space, key) from (
      select distinct space, hashtext(name) as key
      from unnest(${spaces}::int[], ${names}::text[]) as k(space, name)
      order by space, key) ordered`.execute(db);
}

/** Releases the session's advisory locks (those `lockIntakeKeys(…, 'session')` took). */
export async function unlockIntakeKeys(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service schema
  db: Kysely<any>,
): Promise<void> {
  await sql`select pg_advisory_unlock_all()`.execute(db);
}

/**
 * For the other writers of vaccinations (the one-by-one intake path, unlink requests, registration
 * forms): their locks, then the audit chain's lock at once, before any row they write. Their
 * statements' triggers used to update `coverage_dose_month`'s shared rows before their audit entry
 * was written, while a set-based group took the chain's lock first: an unlink and an intake group
 * deadlocked so (test/db/intake-concurrency.test.ts). Those counts are appended now (registry
 * migration 019); the chain's lock still comes first, so no shared row added later can bring it back.
 */
export async function lockIntakeKeysAndAuditChain(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service schema
  trx: Kysely<any>,
  keys: IntakeKeys,
): Promise<void> {
  await lockIntakeKeys(trx, keys, 'transaction');
  await sql`select pg_advisory_xact_lock(hashtext('rvp-audit-chain'))`.execute(trx);
}
