/** Coverage and report API calls and pure helpers for the coverage page. */
import { apiUrl, request } from '../shared/api.js';

export interface CoverageCell {
  level: 'national' | 'organisation' | 'municipality';
  code: string;
  name: string;
  organisationUra: string | null;
  indicator: string;
  cohort: number;
  population: number | null;
  vaccinated: number | null;
  coverage: number | null;
  estimatedVaccinated: number | null;
  estimatedCoverage: number | null;
  suppression: 'published' | 'primary' | 'secondary';
  estimateSuppressed: boolean;
}

export interface CoverageIndicatorInfo {
  code: string;
  label: string;
  ageGroup: string;
  ageLimitYears: number;
  doses: number;
  cohorts: number[];
}

export interface CoverageResult {
  referenceDate: string;
  threshold: number;
  indicators: CoverageIndicatorInfo[];
  cells: CoverageCell[];
  milliseconds: number;
}

export function getCoverage(
  query: { referenceDate: string; indicator?: string; cohorts: number },
  signal?: AbortSignal,
): Promise<CoverageResult> {
  return request('api/coverage', { query, signal });
}

export const coverageCsvUrl = (referenceDate: string, indicator?: string): string =>
  apiUrl('api/coverage', { referenceDate, indicator, cohorts: 5, format: 'csv' });

export const reportUrl = (path: string, query: Record<string, string | number>): string =>
  apiUrl(`api/reports/${path}`, query);

/** Published cells of one level, highest coverage first (the ranking chart). */
export function ranked(
  cells: readonly CoverageCell[],
  level: CoverageCell['level'],
  cohort: number,
): CoverageCell[] {
  return cells
    .filter((c) => c.level === level && c.cohort === cohort && c.coverage !== null)
    .sort((a, b) => (b.coverage ?? 0) - (a.coverage ?? 0) || a.name.localeCompare(b.name, 'nl'));
}

export function formatPercent(value: number | null): string {
  return value === null
    ? '–'
    : `${value.toLocaleString('nl-NL', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

export const SUPPRESSION_TEXT: Record<CoverageCell['suppression'], string> = {
  published: '',
  primary: 'te klein',
  secondary: 'verborgen (terugrekenen)',
};
