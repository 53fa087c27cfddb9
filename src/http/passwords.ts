import argon2 from 'argon2';
import type { Kysely } from 'kysely';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;

/** argon2id with the library's defaults (64 MiB, 3 passes): slow enough to resist guessing. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Verified against when the user does not exist, so both answers take as long.
let dummyHash: Promise<string> | undefined;

export type SignInCheck = 'ok' | 'invalid' | 'locked';

/**
 * Checks a staff member's password; after MAX_FAILED_SIGN_INS failures in a row the account is locked
 * for LOCKOUT_MINUTES. Unknown user and wrong password give the same answer.
 */
export async function checkPassword(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- both services' staff_user tables
  db: Kysely<any>,
  userId: string,
  password: string,
  now = new Date(),
): Promise<SignInCheck> {
  const user = (await db
    .selectFrom('staff_user')
    .select(['id', 'password_hash', 'failed_sign_ins', 'locked_until'])
    .where('id', '=', userId)
    .executeTakeFirst()) as
    | { id: string; password_hash: string | null; failed_sign_ins: number; locked_until: Date | null }
    | undefined;
  if (!user || !user.password_hash) {
    dummyHash ??= hashPassword('not-a-real-password');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return 'invalid';
  }
  if (user.locked_until && new Date(user.locked_until) > now) return 'locked';
  const ok = await argon2.verify(user.password_hash, password).catch(() => false);
  if (ok) {
    await db
      .updateTable('staff_user')
      .set({ failed_sign_ins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
    return 'ok';
  }
  const failed = user.failed_sign_ins + 1;
  const lock = failed >= MAX_FAILED_SIGN_INS;
  await db
    .updateTable('staff_user')
    .set({
      failed_sign_ins: lock ? 0 : failed,
      locked_until: lock ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null,
    })
    .where('id', '=', userId)
    .execute();
  return lock ? 'locked' : 'invalid';
}
