import { expect } from 'vitest';
import type { App } from '../../src/http/app.js';
import { hashPassword } from '../../src/http/passwords.js';

export const TEST_PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;
/** One argon2 hash for every test user (hashing is deliberately slow). */
export const testPasswordHash = (): Promise<string> => (hashed ??= hashPassword(TEST_PASSWORD));

/** Signs in and returns the headers a browser page would send: the session cookie and the CSRF token. */
export async function signIn(app: App, userId: string): Promise<{ cookie: string; 'x-csrf-token': string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { userId, password: TEST_PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'rvp_session');
  expect(cookie?.httpOnly).toBe(true);
  return {
    cookie: `rvp_session=${cookie!.value}`,
    'x-csrf-token': (response.json() as { csrfToken: string }).csrfToken,
  };
}
