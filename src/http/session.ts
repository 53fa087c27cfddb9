import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The person acting on a request: every request to /api carries one (except sign-in itself). */
export interface Actor {
  userId: string;
  name: string;
  role: string;
  organisation: { ura: string | null; name: string };
  /** For municipality officers at the registry: the municipality whose aggregates they may see. */
  municipalityCode?: string | null;
}

export const SESSION_COOKIE = 'rvp_session';
const SESSION_HOURS = 12;

/**
 * Demo sign-in: a signed, expiring token naming the user. A later issue replaces the sign-in
 * itself (passwords, lockout, CSRF); the token format and the Actor it yields stay.
 */
export class SessionSigner {
  private readonly key: Buffer;

  constructor(secret?: string) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  sign(userId: string, now = Date.now()): string {
    const payload = Buffer.from(JSON.stringify({ u: userId, e: now + SESSION_HOURS * 3_600_000 })).toString(
      'base64url',
    );
    return `${payload}.${this.mac(payload)}`;
  }

  /** Returns the user id of a valid, unexpired token, otherwise null. */
  verify(token: string | undefined, now = Date.now()): string | null {
    if (!token) return null;
    const [payload, mac] = token.split('.');
    if (!payload || !mac) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        u?: unknown;
        e?: unknown;
      };
      if (typeof parsed.u !== 'string' || typeof parsed.e !== 'number' || parsed.e < now) return null;
      return parsed.u;
    } catch {
      return null;
    }
  }

  /** The CSRF token that belongs to a session token. */
  csrfFor(sessionToken: string): string {
    return createHmac('sha256', this.key).update(`csrf:${sessionToken}`).digest('base64url');
  }

  sameCsrf(sessionToken: string, given: string): boolean {
    const expected = Buffer.from(this.csrfFor(sessionToken));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
