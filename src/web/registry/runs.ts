/** The invitation-run form and labels (pure, unit-tested). */
import type { FieldError } from '../shared/api.js';
import { mapFieldErrors, type MappedErrors } from '../shared/form-errors.js';
import type { NewRun, RunKind } from './api.js';

export const runKinds: readonly RunKind[] = ['invitation', 'reminder', 'group-session'];

const kindLabels: Record<RunKind, string> = {
  invitation: 'Uitnodiging',
  reminder: 'Herinnering',
  'group-session': 'Groepsvaccinatie',
};

export function runKindLabel(kind: string): string {
  return kindLabels[kind as RunKind] ?? kind;
}

export type RunField = 'kind' | 'from' | 'to' | 'sessionDate' | 'organisationUra';
export const runFields: readonly RunField[] = ['kind', 'from', 'to', 'sessionDate', 'organisationUra'];
export const runFieldLabels: Record<RunField, string> = {
  kind: 'Soort run',
  from: 'Periode vanaf',
  to: 'Periode tot en met',
  sessionDate: 'Eerste sessiedatum',
  organisationUra: 'Organisatie (URA)',
};

export interface RunFormValues {
  kind: RunKind | '';
  from: string;
  to: string;
  sessionDate: string;
  organisationUra: string;
}

export const emptyRunForm: RunFormValues = {
  kind: '',
  from: '',
  to: '',
  sessionDate: '',
  organisationUra: '',
};

/** `body.sessionDate` → `sessionDate`; anything else belongs to no field. */
export function runFieldOf(path: string): RunField | undefined {
  const name = path.replace(/^body\./, '').split(/[.[]/)[0];
  return runFields.includes(name as RunField) ? (name as RunField) : undefined;
}

export function mapRunErrors(errors: readonly FieldError[]): MappedErrors<RunField> {
  return mapFieldErrors(errors, runFieldOf);
}

/** What the form can tell without the server; the service checks the rules (window, period). */
export function checkRunForm(values: RunFormValues): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: RunField, message: string) => errors.push({ field, rule: 'required', message });
  if (!values.kind) add('kind', 'Kies het soort run.');
  if (!values.from) add('from', 'Vul het begin van de periode in.');
  if (!values.to) add('to', 'Vul het einde van de periode in.');
  if (values.from && values.to && values.to < values.from)
    errors.push({ field: 'to', rule: 'period-order', message: 'De periode eindigt vóór het begin.' });
  if (values.kind === 'group-session') {
    if (!values.sessionDate) add('sessionDate', 'Vul de eerste sessiedatum in.');
    if (!values.organisationUra.trim()) add('organisationUra', 'Vul de URA van de organisatie in.');
  }
  if (values.organisationUra.trim() && !/^\d{8}$/.test(values.organisationUra.trim()))
    errors.push({ field: 'organisationUra', rule: 'format', message: 'Een URA heeft 8 cijfers.' });
  return errors;
}

/** The request body: only what the kind uses, no empty strings. */
export function runBody(values: RunFormValues): NewRun {
  const body: NewRun = { kind: values.kind as RunKind, from: values.from, to: values.to };
  if (values.kind === 'group-session' && values.sessionDate) body.sessionDate = values.sessionDate;
  const ura = values.organisationUra.trim();
  if (ura) body.organisationUra = ura;
  return body;
}

/** `2026-01-31` plus 1 month → `2026-02-28` (the day is clamped to the month). */
export function addMonthsIso(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "1 brief", "3 brieven". */
export function countLetters(n: number): string {
  return n === 1 ? '1 brief' : `${n} brieven`;
}
