/**
 * How the portal authenticates to the dossier and the registry: a short-lived JWS (HS256) per request,
 * signed with a secret the operator shares between the three services (RVP_PORTAL_SERVICE_SECRET).
 *
 * Why a signed token and not the bare shared secret as a bearer: the token names the audience (the
 * dossier's token is useless at the registry), the citizen it acts for (`sub` = the BSN from the
 * DigiD ID token) and expires within a minute, so a token seen in transit cannot be replayed for
 * another citizen or later. Why symmetric: there is exactly one portal, configured by the same
 * operator; asymmetric keys (as the exchange uses between organisations) would add a JWKS endpoint
 * and key rotation for no extra party to trust.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { ProblemError } from '../http/problem.js';

export const PORTAL_ISSUER = 'open-rvp-portal';
export type PortalAudience = 'open-rvp-dossier' | 'open-rvp-registry';
const LIFETIME_SECONDS = 60;

/** For the OpenAPI descriptions of the machine endpoints the portal calls. */
export const PORTAL_AUTH =
  'Machine endpoint for the portal: no session; Authorization: Bearer <service token> (HS256 JWS, 60 s, sub = the citizen’s BSN).';

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export function newServiceSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A token for one request to `audience`, acting for the citizen with `bsn`. */
export async function signServiceToken(
  secret: string,
  audience: PortalAudience,
  bsn: string,
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(PORTAL_ISSUER)
    .setAudience(audience)
    .setSubject(bsn)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(keyOf(secret));
}

/**
 * The citizen's BSN from a valid token for `audience`; a 401 problem otherwise. Without a configured
 * secret the portal endpoints are closed.
 */
export async function verifyServiceToken(
  secret: string | undefined,
  audience: PortalAudience,
  authorization: string | undefined,
): Promise<string> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (secret && token) {
    try {
      const { payload } = await jwtVerify(token, keyOf(secret), {
        issuer: PORTAL_ISSUER,
        audience,
        algorithms: ['HS256'],
        maxTokenAge: `${LIFETIME_SECONDS + 5}s`,
      });
      if (typeof payload.sub === 'string' && /^\d{9}$/.test(payload.sub)) return payload.sub;
    } catch {
      // fall through to the refusal: never say why (expired, wrong key, wrong audience)
    }
  }
  throw new ProblemError(
    401,
    'unauthenticated',
    'Niet aangemeld',
    'Geen geldig servicetoken van het portaal.',
    [{ field: 'header.authorization', rule: 'portal-service-token', message: 'Ontbreekt of ongeldig.' }],
  );
}
