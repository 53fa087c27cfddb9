import { inOrganisation } from './scope.js';
import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../db/audit.js';
import type { Actor } from '../http/session.js';
import { notFound, ProblemError } from '../http/problem.js';
import type { DossierSchema } from './schema.js';

export interface RequestContext {
  actor: Actor;
  requestId: string;
}

export interface ClientSummary {
  id: string;
  bsn: string | null;
  givenName: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
  kind: 'youth' | 'client';
  gender: string;
  municipalityCode: string | null;
}

export interface ClientDetail extends Omit<ClientSummary, 'municipalityCode'> {
  dossierNumber: string;
  dossierStatus: string;
  address: {
    street: string | null;
    houseNumber: number | null;
    houseLetter: string | null;
    houseNumberAddition: string | null;
    postcode: string | null;
    city: string | null;
    municipalityCode: string | null;
  };
  custodians: Array<{
    id: string;
    givenName: string;
    prefix: string | null;
    familyName: string;
    hasCustody: boolean;
    relation: 'parent' | 'guardian' | 'legal-representative';
  }>;
}

/** The organisation every dossier query is scoped to; staff without one cannot read dossiers. */
export function organisationOf(actor: Actor): string {
  if (!actor.organisation.ura) {
    throw new ProblemError(403, 'forbidden', 'Geen toegang', 'Alleen medewerkers van een JGZ-organisatie.');
  }
  return actor.organisation.ura;
}

export async function listClients(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  query: { search?: string | undefined; limit: number; offset: number },
): Promise<{ items: ClientSummary[]; total: number }> {
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    let base = trx.selectFrom('client').where('organisation_ura', '=', ura);
    const search = query.search?.trim();
    if (search) {
      if (/^\d{1,9}$/.test(search)) {
        base = base.where('bsn', 'like', `${search}%`);
      } else {
        const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        base = base.where((eb) =>
          eb.or([
            eb(sql`lower(family_name)`, 'like', pattern),
            eb(sql`lower(given_name)`, 'like', pattern),
            eb(
              sql`lower(given_name || ' ' || coalesce(name_prefix || ' ', '') || family_name)`,
              'like',
              pattern,
            ),
          ]),
        );
      }
    }
    const [rows, count] = await Promise.all([
      base
        .select([
          'id',
          'bsn',
          'given_name',
          'name_prefix',
          'family_name',
          'birth_date',
          'kind',
          'gender',
          'municipality_code',
        ])
        .orderBy('family_name')
        .orderBy('given_name')
        .orderBy('id')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'client.list',
      subjectType: 'client',
      requestId: ctx.requestId,
    });
    return {
      total: Number(count.total),
      items: rows.map((r) => ({
        id: r.id,
        bsn: r.bsn,
        givenName: r.given_name,
        prefix: r.name_prefix,
        familyName: r.family_name,
        birthDate: r.birth_date,
        kind: r.kind,
        gender: r.gender,
        municipalityCode: r.municipality_code,
      })),
    };
  });
}

export async function getClient(
  db: Kysely<DossierSchema>,
  ctx: RequestContext,
  id: string,
): Promise<ClientDetail> {
  const ura = organisationOf(ctx.actor);
  return inOrganisation(db, ura, async (trx) => {
    const client = await trx
      .selectFrom('client')
      .selectAll()
      .where('organisation_ura', '=', ura)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!client) throw notFound('Deze cliënt');
    const related = await trx
      .selectFrom('client_relation as r')
      .innerJoin('related_person as p', 'p.id', 'r.person_id')
      .select(['p.id', 'p.given_name', 'p.name_prefix', 'p.family_name', 'r.has_custody', 'r.relation'])
      .where('r.client_id', '=', id)
      .where('p.organisation_ura', '=', ura)
      .orderBy('r.has_custody', 'desc')
      .orderBy('p.family_name')
      .execute();
    await appendAudit(trx, {
      actorId: ctx.actor.userId,
      organisationUra: ura,
      action: 'client.read',
      subjectType: 'client',
      subjectId: id,
      requestId: ctx.requestId,
    });
    return {
      id: client.id,
      bsn: client.bsn,
      givenName: client.given_name,
      prefix: client.name_prefix,
      familyName: client.family_name,
      birthDate: client.birth_date,
      kind: client.kind,
      gender: client.gender,
      dossierNumber: client.dossier_number,
      dossierStatus: client.dossier_status,
      address: {
        street: client.street,
        houseNumber: client.house_number,
        houseLetter: client.house_letter,
        houseNumberAddition: client.house_number_addition,
        postcode: client.postcode,
        city: client.city,
        municipalityCode: client.municipality_code,
      },
      custodians: related.map((p) => ({
        id: p.id,
        givenName: p.given_name,
        prefix: p.name_prefix,
        familyName: p.family_name,
        hasCustody: p.has_custody,
        relation: p.relation,
      })),
    };
  });
}
