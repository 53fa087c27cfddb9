/** The dossier service's API as the front end uses it. */
import { request, type PageResponse } from '../shared/api.js';

export type ClientKind = 'youth' | 'client';

export interface ClientSummary {
  id: string;
  bsn: string | null;
  givenName: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
  kind: ClientKind;
  gender: string;
  municipalityCode?: string | null;
  municipalityName: string | null;
}

export interface Address {
  street: string | null;
  houseNumber: string | number | null;
  houseLetter: string | null;
  houseNumberAddition: string | null;
  postcode: string | null;
  city: string | null;
  municipalityCode: string | null;
  municipalityName: string | null;
}

export interface Custodian {
  id: string;
  givenName: string;
  prefix: string | null;
  familyName: string;
  hasCustody: boolean;
  relation: string | null;
}

export interface ClientDetail {
  id: string;
  bsn: string | null;
  givenName: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
  kind: ClientKind;
  gender: string;
  /** BDS 695. */
  dossierNumber?: string;
  /** BDS 696, W0002: `01` actief, `02` gesloten. */
  dossierStatus?: string;
  address: Address | null;
  custodians: Custodian[];
}

export const PAGE_SIZE = 50;

/** A BSN may be typed with dots or spaces ("1234.56.782"); the API gets the digits. */
export function normaliseSearch(search: string): string {
  const trimmed = search.trim();
  return /^[\d.\s]+$/.test(trimmed) ? trimmed.replace(/\D/g, '') : trimmed;
}

export function listClients(
  params: { search: string; limit: number; offset: number },
  signal?: AbortSignal,
): Promise<PageResponse<ClientSummary>> {
  return request('api/clients', {
    query: { search: normaliseSearch(params.search), limit: params.limit, offset: params.offset },
    signal,
  });
}

export function getClient(id: string, signal?: AbortSignal): Promise<ClientDetail> {
  return request(`api/clients/${encodeURIComponent(id)}`, { signal });
}
