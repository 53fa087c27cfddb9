/** The registry service's API as the front end uses it. */
import { request } from '../shared/api.js';

export interface MunicipalityPopulation {
  /** CBS municipality code, e.g. "0344". */
  code: string;
  name: string;
  persons: number;
  youth: number;
}

export interface PopulationByMunicipality {
  items: MunicipalityPopulation[];
  totals: { persons: number; youth: number; municipalities: number };
}

export function getPopulationByMunicipality(signal?: AbortSignal): Promise<PopulationByMunicipality> {
  return request('api/population/municipalities', { signal });
}

/** A personalised message held because the registry does not know the BSN (R-V5). */
export interface HeldMessage {
  id: string;
  organisationUra: string;
  activityId: string;
  version: number;
  reasonCode: string;
  reason: string;
  receivedAt: string;
}

/** A message the registry refused (kept without the message itself). */
export interface RefusedMessage {
  organisationUra: string | null;
  activityId: string | null;
  rule: string;
  reason: string;
  receivedAt: string;
}

export interface IntakeWorklist {
  held: HeldMessage[];
  refused: RefusedMessage[];
}

/** Roles that see the intake worklist (the service checks it again). */
export const WORKLIST_ROLES: readonly string[] = ['registry-staff', 'registry-analyst'];

export function getIntakeWorklist(signal?: AbortSignal): Promise<IntakeWorklist> {
  return request('api/intake/worklist', { signal });
}
