import { KeyObject, verify } from 'node:crypto';
import {
  CompactSign,
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type CompactJWSHeaderParameters,
  type JWTVerifyGetKey,
} from 'jose';
import type { SignatureChecker } from './signature-worker.js';

/**
 * Every exchange message is a JWS (compact, ES256) signed with a key of the sending organisation.
 * The key id names the organisation: `ura-<URA>-<n>`, so the registry can refuse a message whose
 * signer is unknown or belongs to another organisation than the message claims.
 */
export const JWS_ALGORITHM = 'ES256';
export const JWS_TYPE = 'open-rvp+jws';
/**
 * A signed batch: one JWS over `{"messages": [...]}`, all of one organisation (issue 8). One
 * signature per delivery instead of one per message; its own type, so a message's JWS is never
 * taken for a batch.
 */
export const JWS_BATCH_TYPE = 'open-rvp-batch+jws';
/** Longest signed batch the registry reads: 1,000 messages of ≈ 1.1 kB, base64url, with room. */
export const MAX_SIGNED_BATCH_CHARS = 8_000_000;

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
  type: typeof JWS_TYPE | typeof JWS_BATCH_TYPE = JWS_TYPE,
): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, JWS_ALGORITHM);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: JWS_ALGORITHM, kid: key.kid, typ: type })
    .sign(privateKey);
}

/** One organisation's messages as one signed batch (JWS_BATCH_TYPE). */
export function signBatch(
  messages: readonly unknown[],
  key: Pick<SigningKey, 'kid' | 'privateJwk'>,
): Promise<string> {
  return signPayload({ messages }, key, JWS_BATCH_TYPE);
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

type Refused = Extract<VerifyResult, { ok: false }>;
const malformed = (reason: string): Refused => ({ ok: false, rule: 'malformed-jws', reason });
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** node:crypto's view of each trusted key, made once per key the resolver hands out. */
const keyObjects = new WeakMap<object, KeyObject>();

function keyObjectOf(key: unknown): KeyObject | null {
  if (key instanceof KeyObject) return key;
  if (typeof key !== 'object' || key === null || !(key instanceof CryptoKey)) return null;
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
}

/**
 * ES256 over the signing input. On libuv's thread pool (the callback form) for small batches, so
 * their checks leave the event loop free; one at a time in place otherwise: a single hand-over to
 * the pool and back costs this machine ~140 µs of CPU, twice the check itself (~70 µs). Large
 * batches go to a worker thread in one hand-over instead (verifySignedBatch).
 */
function verifyEs256(data: Buffer, key: KeyObject, signature: Buffer, threadPool: boolean): Promise<boolean> {
  const options = { key, dsaEncoding: 'ieee-p1363' as const };
  if (!threadPool) return Promise.resolve(verify('sha256', data, options, signature));
  return new Promise((resolve, reject) => {
    verify('sha256', data, options, signature, (error, valid) => (error ? reject(error) : resolve(valid)));
  });
}

/** What a protected header resolves to: its signer's key and URA, or why the message is refused. */
type HeaderResolution =
  { ok: true; keyObject: KeyObject; kid: string | undefined; typ: string | undefined } | Refused;

/**
 * Per batch of messages: each distinct protected header parsed and its key looked up once (a batch
 * comes from a few organisations' keys). Never kept beyond the batch, so a key the resolver drops is
 * refused from the next batch on.
 */
export type HeaderCache = Map<string, Promise<HeaderResolution>>;

async function resolveHeader(
  encodedHeader: string,
  token: { payload: string; signature: string },
  keys: KeyResolver,
): Promise<HeaderResolution> {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  } catch {
    return malformed('Het bericht kon niet worden gelezen als JWS.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return malformed('Het bericht kon niet worden gelezen als JWS.');
  }
  const protectedHeader = header as CompactJWSHeaderParameters & { crit?: unknown; b64?: unknown };
  if (protectedHeader.alg !== JWS_ALGORITHM || 'crit' in protectedHeader || 'b64' in protectedHeader) {
    return malformed('Het bericht kon niet worden gelezen als JWS.');
  }
  let key: unknown;
  try {
    key = await keys(protectedHeader, { protected: encodedHeader, ...token });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
      return {
        ok: false,
        rule: 'unknown-signer',
        reason: 'De ondertekenaar van het bericht is niet bekend.',
      };
    }
    return malformed('Het bericht kon niet worden gelezen als JWS.');
  }
  const keyObject = keyObjectOf(key);
  if (!keyObject || keyObject.asymmetricKeyType !== 'ec') {
    return malformed('Het bericht kon niet worden gelezen als JWS.');
  }
  return { ok: true, keyObject, kid: protectedHeader.kid, typ: protectedHeader.typ };
}

/** A JWS checked up to its signature: what the ES256 check needs, and what the answer is made of. */
interface OpenedJws {
  ok: true;
  keyObject: KeyObject;
  kid: string | undefined;
  typ: string | undefined;
  /** The signing input as it stands in the JWS (header.payload): a slice, not a copy. */
  signingInput: string;
  signature: Buffer;
  encodedPayload: string;
}

/** Form, header and key of a compact JWS: everything but the signature itself. */
async function openSigned(
  jws: string,
  keys: KeyResolver,
  headers: HeaderCache | undefined,
  maxLength = 1_000_000,
): Promise<OpenedJws | Refused> {
  if (typeof jws !== 'string' || jws.length > maxLength) return malformed('Geen geldige JWS (compact).');
  const parts = jws.split('.');
  if (parts.length !== 3) return malformed('Geen geldige JWS (compact).');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  // Base64url without padding; a length of 4n + 1 encodes no bytes.
  const encoded = [encodedHeader, encodedPayload, encodedSignature];
  if (!encoded.every((part) => BASE64URL.test(part) && part.length % 4 !== 1)) {
    return malformed('Het bericht kon niet worden gelezen als JWS.');
  }
  const token = { payload: encodedPayload, signature: encodedSignature };
  let resolving = headers?.get(encodedHeader);
  if (!resolving) {
    resolving = resolveHeader(encodedHeader, token, keys);
    headers?.set(encodedHeader, resolving);
  }
  const resolved = await resolving;
  if (!resolved.ok) return resolved;
  return {
    ok: true,
    keyObject: resolved.keyObject,
    kid: resolved.kid,
    typ: resolved.typ,
    signingInput: jws.slice(0, encodedHeader.length + 1 + encodedPayload.length),
    signature: Buffer.from(encodedSignature, 'base64url'),
    encodedPayload,
  };
}

/** The answer for an opened JWS once its signature is checked: signer and payload, or the refusal. */
function finishSigned(opened: OpenedJws, valid: boolean): VerifyResult {
  if (!valid)
    return { ok: false, rule: 'bad-signature', reason: 'De handtekening van het bericht klopt niet.' };
  const signerUra = uraOfKid(opened.kid);
  if (!signerUra) return { ok: false, rule: 'unknown-signer', reason: 'Sleutel-id zonder URA.' };
  try {
    return {
      ok: true,
      payload: JSON.parse(Buffer.from(opened.encodedPayload, 'base64url').toString('utf8')),
      signerUra,
    };
  } catch {
    return { ok: false, rule: 'malformed-payload', reason: 'De inhoud van het bericht is geen JSON.' };
  }
}

/**
 * Checks the signature against the trusted keys; the caller checks the signer's URA against the
 * message. Only ES256 in compact form, and no `crit`/`b64` extensions: what our senders make. The
 * signature itself is checked with node:crypto rather than jose's WebCrypto path, which costs 2.4×
 * the CPU (168 vs 69 µs per message here; the registry verifies every message it receives). Key
 * lookup stays jose's (JWKS, rotation, caching); test/domain/jws-verify.test.ts holds every decision
 * against jose's `compactVerify`.
 */
export async function verifySigned(
  jws: string,
  keys: KeyResolver,
  options: { threadPool?: boolean; headers?: HeaderCache } = {},
): Promise<VerifyResult> {
  const opened = await openSigned(jws, keys, options.headers);
  if (!opened.ok) return opened;
  const valid =
    opened.signature.length === 64 &&
    (await verifyEs256(
      Buffer.from(opened.signingInput, 'latin1'),
      opened.keyObject,
      opened.signature,
      options.threadPool === true,
    ));
  return finishSigned(opened, valid);
}

/**
 * verifySigned for a batch: the same answers, with every signature checked by `checker` in one
 * hand-over (src/exchange/signature-worker.ts) and each distinct header resolved once.
 */
export async function verifySignedBatch(
  messages: readonly string[],
  keys: KeyResolver,
  checker: SignatureChecker,
): Promise<VerifyResult[]> {
  const headers: HeaderCache = new Map();
  const opened = await Promise.all(messages.map((jws) => openSigned(jws, keys, headers)));
  const checked: OpenedJws[] = [];
  for (const o of opened) if (o.ok && o.signature.length === 64) checked.push(o);
  const valid = await checker.check(
    checked.map((o) => ({ key: o.keyObject, input: o.signingInput, signature: o.signature })),
  );
  const validity = new Map(checked.map((o, i) => [o, valid[i] === true]));
  return opened.map((o) => (o.ok ? finishSigned(o, validity.get(o) ?? false) : o));
}

export type BatchVerifyResult = { ok: true; messages: unknown[]; signerUra: string } | Refused;

/**
 * A signed batch (JWS_BATCH_TYPE) checked as verifySigned checks a message: form, type, signer and
 * signature, then the payload's form `{"messages": [...]}`. Its one signature is checked on libuv's
 * thread pool, so hashing a megabyte of signing input leaves the event loop free. What is in each
 * message is the caller's to check, as for a single message.
 */
export async function verifyBatchJws(jws: string, keys: KeyResolver): Promise<BatchVerifyResult> {
  const opened = await openSigned(jws, keys, undefined, MAX_SIGNED_BATCH_CHARS);
  if (!opened.ok) return opened;
  if (opened.typ !== JWS_BATCH_TYPE) {
    return malformed(`Geen ondertekende batch: het type is niet ${JWS_BATCH_TYPE}.`);
  }
  const valid =
    opened.signature.length === 64 &&
    (await verifyEs256(Buffer.from(opened.signingInput, 'latin1'), opened.keyObject, opened.signature, true));
  const verified = finishSigned(opened, valid);
  if (!verified.ok) return verified;
  const payload = verified.payload as { messages?: unknown } | null;
  if (
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload) ||
    Object.keys(payload).length !== 1 ||
    !Array.isArray(payload.messages)
  ) {
    return {
      ok: false,
      rule: 'malformed-payload',
      reason: 'De inhoud van de batch is geen object met alleen een lijst "messages".',
    };
  }
  return { ok: true, messages: payload.messages, signerUra: verified.signerUra };
}
