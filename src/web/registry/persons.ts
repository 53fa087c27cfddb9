/** Labels for a person's vaccinations and forecast in Dutch (pure, unit-tested). */
import { formatDate } from '../shared/format.js';
import type { ForecastStatus, GroupForecast, PersonSchedule, ValidityStatus } from './api.js';

const validityLabels: Record<ValidityStatus, string> = {
  Valid: 'Geldig',
  'Not Valid': 'Niet geldig',
  Extraneous: 'Overbodig',
  'Sub-standard': 'Onder de norm',
  'Not evaluated': 'Niet beoordeeld',
};

export function validityLabel(status: string): string {
  return validityLabels[status as ValidityStatus] ?? status;
}

/** CDSi reasons ("Age: Too Young") in Dutch; an unknown reason is shown as it is. */
const reasonLabels: Record<string, string> = {
  'Age: Too Young': 'te jong bij vaccinatie',
  'Age: Too Old': 'te oud bij vaccinatie',
  'Interval: Too Short': 'te kort na de vorige dosis',
  'Live Virus Conflict': 'te kort na een ander levend vaccin',
  'Not Allowed Vaccine': 'vaccin niet toegestaan voor deze dosis',
  Extraneous: 'dosis niet nodig',
};

export function validityReason(reason: string | null | undefined): string {
  if (!reason) return '';
  return reasonLabels[reason] ?? reason;
}

const statusLabels: Record<ForecastStatus, string> = {
  upcoming: 'Gepland',
  due: 'Nu aan de beurt',
  overdue: 'Te laat',
  complete: 'Compleet',
  immune: 'Immuun',
  'aged-out': 'Leeftijd voorbij',
  'not-recommended': 'Niet aanbevolen',
  contraindicated: 'Contra-indicatie',
};

export function forecastStatusLabel(status: string): string {
  return statusLabels[status as ForecastStatus] ?? status;
}

/** What is due for a vaccine group, in one Dutch sentence. */
export function forecastSentence(group: GroupForecast): string {
  const dose = group.doseNumber !== null ? `Dosis ${group.doseNumber}` : 'De volgende dosis';
  switch (group.status) {
    case 'upcoming':
      return [
        `${dose} mag vanaf ${formatDate(group.earliest) || 'onbekend'}`,
        group.recommended ? `aanbevolen op ${formatDate(group.recommended)}` : null,
        group.pastDue ? `te laat vanaf ${formatDate(group.pastDue)}` : null,
      ]
        .filter(Boolean)
        .join(', ')
        .concat('.');
    case 'due':
      return `${dose} is nu aan de beurt${
        group.pastDue ? `; te laat vanaf ${formatDate(group.pastDue)}` : ''
      }.`;
    case 'overdue':
      return `${dose} is te laat${group.pastDue ? ` sinds ${formatDate(group.pastDue)}` : ''}${
        group.latest ? `; kan nog tot ${formatDate(group.latest)}` : ''
      }.`;
    case 'complete':
      return 'De reeks is compleet.';
    case 'immune':
      return 'Immuun; geen vaccinatie nodig.';
    case 'aged-out':
      return 'De leeftijd voor deze vaccinatie is voorbij.';
    case 'not-recommended':
      return 'Deze vaccinatie wordt niet aanbevolen.';
    case 'contraindicated':
      return 'Niet vaccineren: contra-indicatie.';
    default:
      return forecastStatusLabel(group.status);
  }
}

/** Vaccine code (W0422) → name, from the vaccines the forecast names; unknown codes stay codes. */
export function vaccineNames(schedule: Pick<PersonSchedule, 'vaccineGroups'>): Map<string, string> {
  const names = new Map<string, string>();
  for (const group of schedule.vaccineGroups) {
    for (const vaccine of group.vaccines) names.set(vaccine.code, vaccine.name);
  }
  return names;
}

/** 9 digits and the 11-proef, as the service checks; null when good, else the message. */
export function bsnProblem(value: string): string | null {
  const bsn = value.replace(/[\s.]/g, '');
  if (!bsn) return 'Vul het BSN in.';
  if (!/^\d{9}$/.test(bsn)) return 'Een BSN heeft 9 cijfers.';
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  sum -= Number(bsn[8]);
  return sum % 11 === 0 ? null : 'Dit BSN voldoet niet aan de elfproef.';
}

/** "1234.56.782" or "1234 56 782" → "123456782". */
export const compactBsn = (value: string): string => value.replace(/[\s.]/g, '');
