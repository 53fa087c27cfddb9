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
