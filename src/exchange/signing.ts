import {
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

/**
 * Every exchange message is a JWS (compact, ES256) signed with a key of the sending organisation.
 * The key id names the organisation: `ura-<URA>-<n>`, so the registry can refuse a message whose
 * signer is unknown or belongs to another organisation than the message claims.
 */
export const JWS_ALGORITHM = 'ES256';
export const JWS_TYPE = 'open-rvp+jws';

export interface SigningKey {
  kid: string;
  ura: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export const kidFor = (ura: string, n = 1): string => `ura-${ura}-${n}`;

/** The URA a key id names, or null when it is not one of ours. */
export function uraOfKid(kid: string | undefined): string | null {
  const match = /^ura-(\d{8})-\d+$/.exec(kid ?? '');
  return match?.[1] ?? null;
}

export async function newSigningKey(ura: string, n = 1): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(JWS_ALGORITHM, { extractable: true });
  const kid = kidFor(ura, n);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWS_ALGORITHM };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWS_ALGORITHM, use: 'sig' };
  return { kid, ura, privateJwk, publicJwk };
}

export async function signPayload(
  payload: unknown,
  key: Pick<SigningKey, 'kid' | 'privateJwk'>,
): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, JWS_ALGORITHM);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: JWS_ALGORITHM, kid: key.kid, typ: JWS_TYPE })
    .sign(privateKey);
}

export type KeyResolver = JWTVerifyGetKey;

/** Keys the registry trusts: fetched (and cached) from the dossier's JWKS, or given (tests). */
export function remoteKeys(url: string): KeyResolver {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 });
}
export function localKeys(keys: JWK[]): KeyResolver {
  return createLocalJWKSet({ keys });
}

export type VerifyResult =
  | { ok: true; payload: unknown; signerUra: string }
  | {
      ok: false;
      rule: 'unknown-signer' | 'bad-signature' | 'malformed-jws' | 'malformed-payload';
      reason: string;
    };

/** Checks the signature against the trusted keys; the caller checks the signer's URA against the message. */
export async function verifySigned(jws: string, keys: KeyResolver): Promise<VerifyResult> {
  if (typeof jws !== 'string' || jws.split('.').length !== 3 || jws.length > 1_000_000) {
    return { ok: false, rule: 'malformed-jws', reason: 'Geen geldige JWS (compact).' };
  }
  let verified;
  try {
    verified = await compactVerify(jws, keys, { algorithms: [JWS_ALGORITHM] });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
      return {
        ok: false,
        rule: 'unknown-signer',
        reason: 'De ondertekenaar van het bericht is niet bekend.',
      };
    }
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      return { ok: false, rule: 'bad-signature', reason: 'De handtekening van het bericht klopt niet.' };
    }
    return { ok: false, rule: 'malformed-jws', reason: 'Het bericht kon niet worden gelezen als JWS.' };
  }
  const signerUra = uraOfKid(verified.protectedHeader.kid);
  if (!signerUra) return { ok: false, rule: 'unknown-signer', reason: 'Sleutel-id zonder URA.' };
  try {
    return { ok: true, payload: JSON.parse(new TextDecoder().decode(verified.payload)), signerUra };
  } catch {
    return { ok: false, rule: 'malformed-payload', reason: 'De inhoud van het bericht is geen JSON.' };
  }
}
