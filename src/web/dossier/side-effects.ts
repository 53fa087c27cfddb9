/** Side effects API for the dossier front end (docs/side-effects.md). */
import { apiUrl, request } from '../shared/api.js';

export interface SideEffectCode {
  code: string;
  name: string;
}
export interface SideEffectCodeLists {
  reactions: SideEffectCode[];
  seriousness: SideEffectCode[];
  outcomes: SideEffectCode[];
  reporters: SideEffectCode[];
}
export interface SideEffect {
  id: string;
  vaccinationId: string;
  vaccineType: string;
  vaccinationDate: string;
  batchNumber: string;
  reportedOn: string;
  reporter: string;
  onsetDate: string;
  reactions: string[];
  description: string;
  serious: boolean;
  seriousness: string[];
  outcome: string;
  registeredAt: string;
}
export interface NewSideEffect {
  vaccinationId: string;
  reportedOn: string;
  reporter: string;
  onsetDate: string;
  reactions: string[];
  description: string;
  seriousness: string[];
  outcome: string;
}

export const SIDE_EFFECT_ROLE = 'jgz-professional';
export const EXPORT_ROLES = ['jgz-professional', 'jgz-admin'];

export function getSideEffectCodes(signal?: AbortSignal): Promise<SideEffectCodeLists> {
  return request('api/side-effects/code-lists', { signal });
}
export function listSideEffects(clientId: string, signal?: AbortSignal): Promise<{ items: SideEffect[] }> {
  return request(`api/clients/${encodeURIComponent(clientId)}/side-effects`, { signal });
}
export function recordSideEffect(clientId: string, body: NewSideEffect): Promise<SideEffect> {
  return request(`api/clients/${encodeURIComponent(clientId)}/side-effects`, { method: 'POST', body });
}
/** The download link of the Lareb export for a period. */
export function larebExportUrl(from: string, to: string): string {
  return apiUrl('api/side-effects/lareb-export', { from, to });
}
/** Names of codes, joined for display; unknown codes are shown as they are. */
export function namesOf(list: SideEffectCode[] | undefined, codes: string[]): string {
  return codes.map((c) => list?.find((e) => e.code === c)?.name ?? c).join(', ');
}
