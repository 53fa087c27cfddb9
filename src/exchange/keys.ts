import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DossierSchema } from '../dossier/schema.js';
import { newSigningKey, type SigningKey } from './signing.js';

/** The organisation's signing key, made on first use (demo; production keeps it in an HSM). */
export async function signingKeyFor(db: Kysely<DossierSchema>, ura: string): Promise<SigningKey> {
  const existing = await db
    .selectFrom('organisation_signing_key')
    .selectAll()
    .where('organisation_ura', '=', ura)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (existing) {
    return {
      kid: existing.kid,
      ura,
      privateJwk: existing.private_jwk as JWK,
      publicJwk: existing.public_jwk as JWK,
    };
  }
  const key = await newSigningKey(ura);
  await db
    .insertInto('organisation_signing_key')
    .values({
      kid: key.kid,
      organisation_ura: ura,
      private_jwk: key.privateJwk,
      public_jwk: key.publicJwk,
    })
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
  return signingKeyFor(db, ura);
}

/** Public keys of every organisation in this dossier (published as JWKS for the registry). */
export async function publicKeys(db: Kysely<DossierSchema>): Promise<JWK[]> {
  const rows = await db.selectFrom('organisation_signing_key').select('public_jwk').orderBy('kid').execute();
  return rows.map((r) => r.public_jwk as JWK);
}

/** Makes sure every organisation has a key, so the JWKS is complete before the first message. */
export async function ensureSigningKeys(db: Kysely<DossierSchema>): Promise<void> {
  const organisations = await db.selectFrom('organisation').select('ura').execute();
  for (const { ura } of organisations) await signingKeyFor(db, ura);
}
